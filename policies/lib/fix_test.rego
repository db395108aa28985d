package crr.lib.fix_test

import data.crr.lib.fix

rule := {"ID": "all", "Priority": 1, "Filter": {}, "Status": "Enabled", "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}

inp := {"bucket": {"Name": "my src", "Region": "eu-west-1", "ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": [rule]}}}

test_replication_fix_names_the_bucket if {
	cfg := {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": [rule]}
	f := fix.replication(cfg) with input as inp
	f.commands == ["aws s3api put-bucket-replication --bucket 'my src' --replication-configuration file://replication.json --region eu-west-1"]
	f.documents == {"replication.json": cfg}
	startswith(f.terraform, `resource "aws_s3_bucket_replication_configuration" "my_src" {`)
}

test_replication_or_delete if {
	f := fix.replication_or_delete({"Role": "r", "Rules": []}) with input as inp
	f.commands == ["aws s3api delete-bucket-replication --bucket 'my src' --region eu-west-1"]
	f.documents == {}
	g := fix.replication_or_delete({"Role": "r", "Rules": [rule]}) with input as inp
	g.documents["replication.json"].Rules == [rule]
}

test_rule_fields if {
	fix.rule(0, rule) == {"rule_id": "all", "key": ""}
	fix.rule(2, object.remove(rule, ["ID"])) == {"rule_id": "", "key": "rule #3"}
}
