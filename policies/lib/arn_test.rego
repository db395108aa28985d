package crr.lib.arn_test

import data.crr.lib.arn

test_parse_bucket_arn if {
	arn.parse("arn:aws:s3:::my-bucket") == {
		"partition": "aws", "service": "s3", "region": "", "account": "", "resource": "my-bucket",
	}
}

test_parse_keeps_colons_in_resource if {
	arn.parse("arn:aws:logs:eu-west-1:111122223333:log-group:a:b").resource == "log-group:a:b"
}

test_parse_rejects_non_arns if {
	not arn.parse("my-bucket")
	not arn.parse("arn:aws:s3")
	not arn.parse(null)
	not arn.parse(42)
}

test_bucket_name if {
	arn.bucket_name("arn:aws:s3:::dr-bucket") == "dr-bucket"
	arn.bucket_name("arn:aws-cn:s3:::cn-bucket") == "cn-bucket"
	not arn.bucket_name("arn:aws:s3:::dr-bucket/key")
	not arn.bucket_name("arn:aws:iam::111122223333:role/r")
}

test_role_name_and_path if {
	arn.role_name("arn:aws:iam::111122223333:role/crr") == "crr"
	arn.role_path("arn:aws:iam::111122223333:role/crr") == "/"
	arn.role_name("arn:aws:iam::111122223333:role/service/replication/crr") == "crr"
	arn.role_path("arn:aws:iam::111122223333:role/service/replication/crr") == "/service/replication/"
	not arn.role_name("arn:aws:iam::111122223333:user/crr")
	not arn.role_name("arn:aws:iam::111122223333:role/")
	not arn.role_path("arn:aws:s3:::crr")
}
