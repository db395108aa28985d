package crr.lib.terraform_test

import data.crr.lib.terraform as tf

test_name_is_an_identifier if {
	tf.name("my-bucket.prod") == "my-bucket_prod"
	tf.name("my-bucket.example") == "my-bucket_example"
	tf.name("1bucket") == "r_1bucket"
	tf.name("-x") == "r_-x"
	tf.name(`x"; }`) == "x____"
	tf.name(`x" { } evil`) == "x______evil"
	tf.name("${x}") == "__x_"
}

test_str_keeps_hostile_values_literal if {
	tf.str("plain") == `"plain"`
	tf.str(`a"b`) == `"a\"b"`
	tf.str(`a"b\c`) == `"a\"b\\c"`
	tf.str("${file(\"/etc/passwd\")}") == `"$${file(\"/etc/passwd\")}"`
	tf.str("${file(\"/etc/passwd\")}%{if true}") == `"$${file(\"/etc/passwd\")}%%{if true}"`
	tf.str("%{if x}") == `"%%{if x}"`
	tf.str("%{ if true }x%{ endif }") == `"%%{ if true }x%%{ endif }"`
	tf.str("line\nbreak") == `"line\nbreak"`
	tf.str("<img>") == `"\u003cimg\u003e"`
	not tf.str(1)
}

test_value if {
	tf.value("a") == `"a"`
	tf.value(2) == "2"
	tf.value(true) == "true"
	tf.value(["NONE", "${x}"]) == `["NONE", "$${x}"]`
	tf.value([]) == "[]"
	tf.value({"a": "${x}", "b": "%{y}"}) == "jsonencode({\n  \"a\": \"$${x}\",\n  \"b\": \"%%{y}\"\n})"
	not tf.value(null)
}

test_attr_and_opt_attr if {
	tf.attr("bucket", "b") == `bucket = "b"`
	tf.attr("is_enabled", true) == "is_enabled = true"
	tf.opt_attr({"Priority": 2}, "Priority", "priority") == ["priority = 2"]
	tf.opt_attr({}, "Priority", "priority") == []
	tf.opt_attr({"Priority": null}, "Priority", "priority") == []
	tf.opt_attr({"Prefix": {"evil": "${x}"}}, "Prefix", "prefix") == []
}

test_aligned_lines_up_the_equals_signs if {
	tf.aligned([["name", "n"], ["assume_role_policy", "p"]]) == [
		`name               = "n"`,
		`assume_role_policy = "p"`,
	]
}

test_block_and_resource if {
	tf.block("filter", []) == "filter {}"
	tf.block("a", [tf.block("b", [tf.attr("c", "d")])]) == "a {\n  b {\n    c = \"d\"\n  }\n}"
	tf.block("a", [tf.attr("b", 1), "", tf.attr("c", 2)]) == "a {\n  b = 1\n\n  c = 2\n}"
	tf.resource("aws_kms_key", "k", [tf.attr("is_enabled", true)]) == "resource \"aws_kms_key\" \"k\" {\n  is_enabled = true\n}"
	tf.resource("aws_s3_bucket", `x" { } evil`, []) == "resource \"aws_s3_bucket\" \"x______evil\" {}"
	tf.resources(["a {}", "b {}"]) == "a {}\n\nb {}"
}

test_replication_configuration_renders_every_rule if {
	cfg := {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": [
		{
			"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
			"DeleteMarkerReplication": {"Status": "Disabled"},
			"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
			"Destination": {
				"Bucket": "arn:aws:s3:::dst", "Account": "444455556666", "StorageClass": "STANDARD_IA",
				"AccessControlTranslation": {"Owner": "Destination"},
				"EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:eu-west-1:444455556666:key/k"},
				"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
				"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
			},
		},
		{"ID": "tags", "Priority": 2, "Status": "Disabled", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Destination": {"Bucket": "arn:aws:s3:::dst"}},
	]}
	tf.replication_configuration("src", cfg) == concat("\n", [
		`resource "aws_s3_bucket_replication_configuration" "src" {`,
		`  bucket = "src"`,
		`  role = "arn:aws:iam::111122223333:role/crr"`,
		``,
		`  rule {`,
		`    id = "all"`,
		`    priority = 1`,
		`    status = "Enabled"`,
		`    filter {`,
		`      prefix = ""`,
		`    }`,
		`    delete_marker_replication {`,
		`      status = "Disabled"`,
		`    }`,
		`    source_selection_criteria {`,
		`      sse_kms_encrypted_objects {`,
		`        status = "Enabled"`,
		`      }`,
		`    }`,
		`    destination {`,
		`      bucket = "arn:aws:s3:::dst"`,
		`      storage_class = "STANDARD_IA"`,
		`      account = "444455556666"`,
		`      access_control_translation {`,
		`        owner = "Destination"`,
		`      }`,
		`      encryption_configuration {`,
		`        replica_kms_key_id = "arn:aws:kms:eu-west-1:444455556666:key/k"`,
		`      }`,
		`      replication_time {`,
		`        status = "Enabled"`,
		`        time {`,
		`          minutes = 15`,
		`        }`,
		`      }`,
		`      metrics {`,
		`        status = "Enabled"`,
		`        event_threshold {`,
		`          minutes = 15`,
		`        }`,
		`      }`,
		`    }`,
		`  }`,
		``,
		`  rule {`,
		`    id = "tags"`,
		`    priority = 2`,
		`    status = "Disabled"`,
		`    filter {`,
		`      tag {`,
		`        key = "k"`,
		`        value = "v"`,
		`      }`,
		`    }`,
		`    destination {`,
		`      bucket = "arn:aws:s3:::dst"`,
		`    }`,
		`  }`,
		`}`,
	])
}

test_replication_v1_rule_and_empty_filter if {
	out := tf.replication_configuration("src", {"Role": "r", "Rules": [
		{"ID": "v1", "Prefix": "logs/", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::d"}},
		{"ID": "v2", "Priority": 1, "Filter": {}, "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::d"}},
		{"ID": "and", "Priority": 2, "Filter": {"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}, {"Key": "j", "Value": "w"}]}}, "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::d"}},
	]})
	contains(out, "    prefix = \"logs/\"\n")
	contains(out, "    filter {}\n")
	contains(out, "      and {\n        prefix = \"a/\"\n        tags = { \"k\" = \"v\", \"j\" = \"w\" }\n      }")
}

test_lifecycle_configuration if {
	lc := {"Rules": [
		{
			"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
			"Expiration": {"Days": 30},
			"NoncurrentVersionExpiration": {"NoncurrentDays": 7, "NewerNoncurrentVersions": 2},
			"Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}],
			"NoncurrentVersionTransitions": [{"NoncurrentDays": 3, "StorageClass": "GLACIER"}],
		},
		{"ID": "legacy", "Status": "Disabled", "Prefix": "tmp/", "Expiration": {"Date": "2030-01-01T00:00:00Z"}},
	]}
	tf.lifecycle_configuration("dst", lc) == concat("\n", [
		`resource "aws_s3_bucket_lifecycle_configuration" "dst" {`,
		`  bucket = "dst"`,
		``,
		`  rule {`,
		`    id = "expire"`,
		`    status = "Enabled"`,
		`    filter {`,
		`      prefix = "logs/"`,
		`    }`,
		`    expiration {`,
		`      days = 30`,
		`    }`,
		`    noncurrent_version_expiration {`,
		`      noncurrent_days = 7`,
		`      newer_noncurrent_versions = 2`,
		`    }`,
		`    transition {`,
		`      days = 10`,
		`      storage_class = "STANDARD_IA"`,
		`    }`,
		`    noncurrent_version_transition {`,
		`      noncurrent_days = 3`,
		`      storage_class = "GLACIER"`,
		`    }`,
		`  }`,
		``,
		`  rule {`,
		`    id = "legacy"`,
		`    status = "Disabled"`,
		`    filter {`,
		`      prefix = "tmp/"`,
		`    }`,
		`    expiration {`,
		`      date = "2030-01-01T00:00:00Z"`,
		`    }`,
		`  }`,
		`}`,
	])
}

test_public_access_block_and_request_payment if {
	tf.public_access_block("dst") == concat("\n", [
		`resource "aws_s3_bucket_public_access_block" "dst" {`,
		`  bucket = "dst"`,
		`  block_public_acls = true`,
		`  block_public_policy = true`,
		`  ignore_public_acls = true`,
		`  restrict_public_buckets = true`,
		`}`,
	])
	tf.request_payment("dst") == concat("\n", [
		`resource "aws_s3_bucket_request_payment_configuration" "dst" {`,
		`  bucket = "dst"`,
		`  payer = "BucketOwner"`,
		`}`,
	])
}

test_replication_rule_renders_every_field if {
	rule := {
		"ID": "r1", "Priority": 2, "Status": "Enabled",
		"Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}]}},
		"DeleteMarkerReplication": {"Status": "Disabled"},
		"ExistingObjectReplication": {"Status": "Enabled"},
		"SourceSelectionCriteria": {"ReplicaModifications": {"Status": "Enabled"}, "SseKmsEncryptedObjects": {"Status": "Enabled"}},
		"Destination": {
			"Bucket": "arn:aws:s3:::dst", "Account": "444455556666", "StorageClass": "STANDARD_IA",
			"AccessControlTranslation": {"Owner": "Destination"},
			"EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-1:444455556666:key/k"},
			"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
			"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
		},
	}
	tf.replication_rule(rule) == concat("\n", [
		"rule {",
		`  id = "r1"`,
		"  priority = 2",
		`  status = "Enabled"`,
		"  filter {",
		"    and {",
		`      prefix = "logs/"`,
		`      tags = { "k" = "v" }`,
		"    }",
		"  }",
		"  delete_marker_replication {",
		`    status = "Disabled"`,
		"  }",
		"  source_selection_criteria {",
		"    sse_kms_encrypted_objects {",
		`      status = "Enabled"`,
		"    }",
		"    replica_modifications {",
		`      status = "Enabled"`,
		"    }",
		"  }",
		"  existing_object_replication {",
		`    status = "Enabled"`,
		"  }",
		"  destination {",
		`    bucket = "arn:aws:s3:::dst"`,
		`    storage_class = "STANDARD_IA"`,
		`    account = "444455556666"`,
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
	tf.replication_rule({"Prefix": "old/", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::d"}}) == concat("\n", [
		"rule {",
		`  prefix = "old/"`,
		`  status = "Enabled"`,
		"  destination {",
		`    bucket = "arn:aws:s3:::d"`,
		"  }",
		"}",
	])
}

# A part that is not complete is rendered as far as it goes, never dropped: dropping a
# tag would leave filter {} (the whole bucket).
test_replication_rule_keeps_incomplete_parts if {
	out := tf.replication_rule({
		"Status": "Enabled", "Filter": {"Tag": {"Key": "k"}},
		"Destination": {"Bucket": "b", "ReplicationTime": {"Status": "Enabled"}},
	})
	contains(out, "  filter {\n    tag {\n      key = \"k\"\n    }\n  }\n")
	contains(out, "    replication_time {\n      status = \"Enabled\"\n    }\n")
}

test_replication_values_stay_in_their_strings if {
	out := tf.replication_configuration(`src"} evil {`, {"Role": "${aws_iam_role.x.arn}", "Rules": [{
		"ID": "%{ if true }", "Status": "Enabled", "Filter": {"And": {"Prefix": "a\"\n}", "Tags": [{"Key": "${k}", "Value": "\"}"}]}},
		"Destination": {"Bucket": "arn:aws:s3:::d", "StorageClass": "${x}"},
	}]})
	startswith(out, "resource \"aws_s3_bucket_replication_configuration\" \"src___evil__\" {\n  bucket = \"src\\\"} evil {\"\n")
	contains(out, `  role = "$${aws_iam_role.x.arn}"`)
	contains(out, `    id = "%%{ if true }"`)
	contains(out, `        prefix = "a\"\n}"`)
	contains(out, `        tags = { "$${k}" = "\"}" }`)
	contains(out, `      storage_class = "$${x}"`)
}

test_ownership_controls if {
	tf.ownership_controls("replication_destination", "dst", "BucketOwnerEnforced") == concat("\n", [
		`resource "aws_s3_bucket_ownership_controls" "replication_destination" {`,
		`  bucket = "dst"`,
		``,
		`  rule {`,
		`    object_ownership = "BucketOwnerEnforced"`,
		`  }`,
		`}`,
	])
}

doc := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::${b}"}]}

doc_lines := [
	`{`,
	`    "Statement": [`,
	`      {`,
	`        "Action": "s3:ListBucket",`,
	`        "Effect": "Allow",`,
	`        "Resource": "arn:aws:s3:::$${b}"`,
	`      }`,
	`    ],`,
	`    "Version": "2012-10-17"`,
	`  })`,
]

test_role_policy if {
	tf.role_policy("crr_replication", "crr", "crr-replication", doc) == concat("\n", array.concat(
		[
			`resource "aws_iam_role_policy" "crr_replication" {`,
			`  name   = "crr-replication"`,
			`  role   = "crr"`,
			sprintf("  policy = jsonencode(%s", [doc_lines[0]]),
		],
		array.concat(array.slice(doc_lines, 1, count(doc_lines)), ["}"]),
	))
}

test_role_and_policies if {
	startswith(tf.role("replication", "crr ${x}", doc), "resource \"aws_iam_role\" \"replication\" {\n  name               = \"crr $${x}\"\n  assume_role_policy = jsonencode({\n    \"Statement\": [")
	startswith(tf.bucket_policy("dst", "dst", doc), "resource \"aws_s3_bucket_policy\" \"dst\" {\n  bucket = \"dst\"\n  policy = jsonencode({\n")
	startswith(tf.key_policy("replication_1", "arn:aws:kms:eu-west-1:1:key/k", doc), "resource \"aws_kms_key_policy\" \"replication_1\" {\n  key_id = \"arn:aws:kms:eu-west-1:1:key/k\"\n  policy = jsonencode({\n")
	endswith(tf.bucket_policy("dst", "dst", doc), "\n  })\n}")
}
