package crr.lib.cli_test

import data.crr.lib.cli

test_arg_quotes_only_unsafe_values if {
	cli.arg("my-bucket.example") == "my-bucket.example"
	cli.arg("arn:aws:s3:::b/*") == `'arn:aws:s3:::b/*'`
	cli.arg("a b") == "'a b'"
	cli.arg("x'; rm -rf ~; echo '") == `'x'\''; rm -rf ~; echo '\'''`
}

test_put_bucket_versioning_in_the_guide_style if {
	cli.put_bucket_versioning("src", "eu-west-1") == "aws s3api put-bucket-versioning --bucket src --versioning-configuration Status=Enabled --region eu-west-1"
	cli.put_bucket_versioning("src", "") == "aws s3api put-bucket-versioning --bucket src --versioning-configuration Status=Enabled"
}

test_create_bucket_location_constraint if {
	cli.create_bucket("dst", "us-east-1") == "aws s3api create-bucket --bucket dst --region us-east-1"
	cli.create_bucket("dst", "eu-west-2") == "aws s3api create-bucket --bucket dst --region eu-west-2 --create-bucket-configuration LocationConstraint=eu-west-2"
}

test_create_role_with_and_without_path if {
	cli.create_role("crr", "/", "trust-policy.json") == "aws iam create-role --role-name crr --assume-role-policy-document file://trust-policy.json"
	cli.create_role("crr", "/svc/", "trust-policy.json") == "aws iam create-role --role-name crr --path /svc/ --assume-role-policy-document file://trust-policy.json"
}

test_trust_policy_with_known_account if {
	cli.trust_policy("111122223333").Statement[0].Condition == {"StringEquals": {"aws:SourceAccount": "111122223333"}}
	not cli.trust_policy("").Statement[0].Condition
}

test_permissions_policy_names_the_buckets if {
	p := cli.permissions_policy("arn:aws:s3:::src", {"arn:aws:s3:::b", "arn:aws:s3:::a"})
	p.Statement[0].Resource == ["arn:aws:s3:::src"]
	p.Statement[1].Resource == ["arn:aws:s3:::src/*"]
	p.Statement[2].Resource == ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]
}

test_role_name_for_fits_iam_limit if {
	count(cli.role_name_for(concat("", ["a" | some _ in numbers.range(1, 63)]))) == 64
	cli.role_name_for("src") == "s3-crr-src"
}
