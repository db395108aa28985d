package crr.lib.hcl_test

import data.crr.lib.hcl

test_str_escapes_quotes_and_templates if {
	hcl.str(`a"b`) == `"a\"b"`
	hcl.str("${file(\"/etc/passwd\")}") == `"$${file(\"/etc/passwd\")}"`
	hcl.str("%{ if true }x%{ endif }") == `"%%{ if true }x%%{ endif }"`
	hcl.str("line\nbreak") == `"line\nbreak"`
}

test_name_is_an_identifier if {
	hcl.name("my-bucket.example") == "my-bucket_example"
	hcl.name("1bucket") == "r_1bucket"
	hcl.name(`x" { } evil`) == "x______evil"
}

test_block_and_resource if {
	hcl.block("filter", []) == "filter {}"
	hcl.resource("aws_kms_key", "k", [hcl.raw("is_enabled", true)]) == "resource \"aws_kms_key\" \"k\" {\n  is_enabled = true\n}"
	hcl.block("a", [hcl.block("b", [hcl.attr("c", "d")])]) == "a {\n  b {\n    c = \"d\"\n  }\n}"
}

test_replication_rule_renders_every_field if {
	rule := {
		"ID": "r1", "Priority": 2, "Status": "Enabled",
		"Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}]}},
		"DeleteMarkerReplication": {"Status": "Disabled"},
		"SourceSelectionCriteria": {"ReplicaModifications": {"Status": "Enabled"}, "SseKmsEncryptedObjects": {"Status": "Enabled"}},
		"Destination": {
			"Bucket": "arn:aws:s3:::dst", "Account": "444455556666", "StorageClass": "STANDARD_IA",
			"AccessControlTranslation": {"Owner": "Destination"},
			"EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-1:444455556666:key/k"},
			"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
			"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
		},
	}
	hcl.replication_rule(rule) == concat("\n", [
		"rule {",
		`  id = "r1"`,
		"  priority = 2",
		`  status = "Enabled"`,
		"  filter {",
		"    and {",
		`      prefix = "logs/"`,
		`      tags = {"k" = "v"}`,
		"    }",
		"  }",
		"  delete_marker_replication {",
		`    status = "Disabled"`,
		"  }",
		"  source_selection_criteria {",
		"    replica_modifications {",
		`      status = "Enabled"`,
		"    }",
		"    sse_kms_encrypted_objects {",
		`      status = "Enabled"`,
		"    }",
		"  }",
		"  destination {",
		`    bucket = "arn:aws:s3:::dst"`,
		`    account = "444455556666"`,
		`    storage_class = "STANDARD_IA"`,
		"    access_control_translation {",
		`      owner = "Destination"`,
		"    }",
		"    encryption_configuration {",
		`      replica_kms_key_id = "arn:aws:kms:us-east-1:444455556666:key/k"`,
		"    }",
		"    replication_time {",
		`      status = "Enabled"`,
		"      time {",
		"        minutes = 15",
		"      }",
		"    }",
		"    metrics {",
		`      status = "Enabled"`,
		"      event_threshold {",
		"        minutes = 15",
		"      }",
		"    }",
		"  }",
		"}",
	])
}

test_v1_rule_keeps_its_prefix if {
	hcl.replication_rule({"Prefix": "old/", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::d"}}) == concat("\n", [
		"rule {",
		`  prefix = "old/"`,
		`  status = "Enabled"`,
		"  destination {",
		`    bucket = "arn:aws:s3:::d"`,
		"  }",
		"}",
	])
}
