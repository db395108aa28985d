package crr.lib.terraform_test

import data.crr.lib.terraform as tf

test_ident if {
	tf.ident("my-bucket.prod") == "my-bucket_prod"
	tf.ident("1bucket") == "b_1bucket"
	tf.ident(`x"; }`) == "x____"
}

test_str_keeps_hostile_values_literal if {
	tf.str("plain") == `"plain"`
	tf.str(`a"b\c`) == `"a\"b\\c"`
	tf.str("${file(\"/etc/passwd\")}") == `"$${file(\"/etc/passwd\")}"`
	tf.str("%{if x}") == `"%%{if x}"`
	tf.str("<img>") == `"\u003cimg\u003e"`
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
