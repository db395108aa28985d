package crr.checks.crr_062_test

import data.crr.checks.crr_062

role_arn := "arn:aws:iam::111122223333:role/crr-role"

src_key := "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-src"

dst_key := "arn:aws:kms:eu-west-1:111122223333:key/2222bbbb-dst"

xa_key := "arn:aws:kms:eu-west-1:444455556666:key/3333cccc-dr"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

guide_permissions := [
	{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::src"]},
	{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::src/*"]},
	{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"},
]

# The KMS statements AWS documents for replicating SSE-KMS objects.
decrypt(k) := {
	"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": k,
	"Condition": {"StringLike": {"kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::src", "arn:aws:s3:::src/*"]}},
}

encrypt(k) := {
	"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": k,
	"Condition": {"StringLike": {"kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::dst", "arn:aws:s3:::dst/*"]}},
}

role(statements) := {
	"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": true,
	"AssumeRolePolicyDocument": doc([{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
	"RolePolicies": [{"PolicyName": "crr-permissions", "PolicyDocument": doc(statements)}],
}

rule(replica) := {
	"ID": "kms", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"},
	"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
	"Destination": {"Bucket": "arn:aws:s3:::dst", "EncryptionConfiguration": {"ReplicaKmsKeyID": replica}},
}

sse(ref) := {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": ref}, "BucketKeyEnabled": true}]}

key(ref, k, policy) := {"Ref": ref, "Arn": k, "Exists": true, "KeyMetadata": {"KeyId": "id", "Arn": k, "Enabled": true, "KeyState": "Enabled"}, "KeyPolicy": policy}

default_key_policy(account) := doc([{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": sprintf("arn:aws:iam::%s:root", [account])}, "Action": "kms:*", "Resource": "*"}])

keys := {
	"alias/src": key("alias/src", src_key, default_key_policy("111122223333")),
	dst_key: key(dst_key, dst_key, default_key_policy("111122223333")),
}

inp(r, rules, encryption, ks) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": rules},
		"ServerSideEncryptionConfiguration": encryption,
	},
	"role": r,
	"destinations": {},
	"kms_keys": ks,
	"errors": [],
	"facts": {"in_scope": true},
}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_deny_role_without_kms_permissions if {
	i := inp(role(guide_permissions), [rule(dst_key)], sse("alias/src"), keys)
	f := only(crr_062.deny) with input as i
	f.msg == "Replication role crr-role of bucket src cannot use the KMS keys that SSE-KMS replication needs: kms:Decrypt on the source key arn:aws:kms:us-east-1:111122223333:key/1111aaaa-src (not granted); kms:Encrypt, kms:GenerateDataKey on the replica key arn:aws:kms:eu-west-1:111122223333:key/2222bbbb-dst (not granted)"
	f.resource_arn == role_arn
	f.commands == ["aws iam put-role-policy --role-name crr-role --policy-name crr-kms --policy-document file://crr-kms-policy.json"]
	f.documents == {"crr-kms-policy.json": doc([decrypt(src_key), encrypt(dst_key)])}
	contains(f.terraform, `resource "aws_iam_role_policy" "crr_kms"`)
	crr_062.applies with input as i
}

test_deny_explicit_deny_of_kms if {
	statements := array.concat(guide_permissions, [decrypt(src_key), encrypt(dst_key), {"Sid": "NoKms", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}])
	f := only(crr_062.deny) with input as inp(role(statements), [rule(dst_key)], sse("alias/src"), keys)
	f.msg == `Replication role crr-role of bucket src cannot use the KMS keys that SSE-KMS replication needs: kms:Decrypt on the source key arn:aws:kms:us-east-1:111122223333:key/1111aaaa-src (removed by an explicit Deny in inline policy "crr-permissions" (Sid "NoKms"))`
}

test_deny_cross_account_key_policy_does_not_grant if {
	ks := object.union(keys, {xa_key: key(xa_key, xa_key, default_key_policy("444455556666"))})
	i := inp(role(array.concat(guide_permissions, [decrypt(src_key), encrypt(xa_key)])), [rule(xa_key)], sse("alias/src"), ks)
	f := only(crr_062.deny) with input as i
	f.msg == "Replication role crr-role of bucket src cannot use the KMS keys that SSE-KMS replication needs: kms:Encrypt, kms:GenerateDataKey on the replica key arn:aws:kms:eu-west-1:444455556666:key/3333cccc-dr (not granted by its key policy (account 444455556666))"
	f.commands == ["aws kms put-key-policy --key-id arn:aws:kms:eu-west-1:444455556666:key/3333cccc-dr --policy-name default --policy file://key-policy-1.json --region eu-west-1"]
	f.documents == {"key-policy-1.json": doc(array.concat(default_key_policy("444455556666").Statement, [{"Sid": "AllowReplicationRole", "Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": "*"}]))}
	startswith(f.terraform, "resource \"aws_kms_key_policy\" \"replication_1\" {\n  key_id = \"arn:aws:kms:eu-west-1:444455556666:key/3333cccc-dr\"")
}

test_deny_key_policy_denies_the_role if {
	kp := doc(array.concat(default_key_policy("111122223333").Statement, [{"Sid": "NoDecrypt", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]))
	ks := object.union(keys, {"alias/src": key("alias/src", src_key, kp)})
	f := only(crr_062.deny) with input as inp(role(array.concat(guide_permissions, [decrypt(src_key), encrypt(dst_key)])), [rule(dst_key)], sse("alias/src"), ks)
	contains(f.msg, `kms:Decrypt on the source key arn:aws:kms:us-east-1:111122223333:key/1111aaaa-src (removed by an explicit Deny in its key policy (Sid "NoDecrypt"))`)
	f.documents["key-policy-1.json"].Statement == array.concat(default_key_policy("111122223333").Statement, [{"Sid": "AllowReplicationRole", "Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": ["kms:Decrypt"], "Resource": "*"}])
}

test_allow_documented_kms_policy if {
	i := inp(role(array.concat(guide_permissions, [decrypt(src_key), encrypt(dst_key)])), [rule(dst_key)], sse("alias/src"), keys)
	count(crr_062.deny) == 0 with input as i
	crr_062.applies with input as i
}

test_allow_cross_account_key_granting_the_source_account if {
	kp := doc(array.concat(default_key_policy("444455556666").Statement, [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["kms:Encrypt", "kms:GenerateDataKey*"], "Resource": "*"}]))
	ks := object.union(keys, {xa_key: key(xa_key, xa_key, kp)})
	count(crr_062.deny) == 0 with input as inp(role(array.concat(guide_permissions, [decrypt(src_key), {"Effect": "Allow", "Action": "kms:*", "Resource": xa_key}])), [rule(xa_key)], sse("alias/src"), ks)
}

test_allow_aws_managed_source_key_and_no_replica_key if {
	aws_s3 := {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}
	r := object.union(object.remove(rule(dst_key), ["Destination"]), {"Destination": {"Bucket": "arn:aws:s3:::dst"}})
	i := inp(role(guide_permissions), [r], aws_s3, {})
	count(crr_062.deny) == 0 with input as i
	crr_062.applies with input as i
}

test_allow_no_kms_rule_does_not_apply if {
	r := object.remove(rule(dst_key), ["SourceSelectionCriteria"])
	i := inp(role(guide_permissions), [r], sse("alias/src"), keys)
	count(crr_062.deny) == 0 with input as i
	not crr_062.applies with input as i
}

test_allow_deleted_key_is_crr_063s if {
	ks := {"alias/src": object.union(key("alias/src", src_key, null), {"Exists": false}), dst_key: object.union(key(dst_key, dst_key, null), {"Exists": false})}
	count(crr_062.deny) == 0 with input as inp(role(guide_permissions), [rule(dst_key)], sse("alias/src"), ks)
}

test_allow_unknown_data_is_not_judged if {
	every i in [
		inp(role(array.concat(guide_permissions, [encrypt(dst_key)])), [rule(dst_key)], null, keys),
		inp(role(guide_permissions), [rule(dst_key)], sse("alias/src"), {}),
		inp(null, [rule(dst_key)], sse("alias/src"), keys),
		inp(role(array.concat(guide_permissions, [decrypt(src_key), encrypt(xa_key)])), [rule(xa_key)], sse("alias/src"), object.union(keys, {xa_key: key(xa_key, xa_key, null)})),
	] {
		count(crr_062.deny) == 0 with input as i
		not crr_062.applies with input as i
	}
}

# The replica key's grant is known even when the source's encryption is not.
test_deny_replica_key_while_source_encryption_is_unknown if {
	f := only(crr_062.deny) with input as inp(role(guide_permissions), [rule(dst_key)], null, keys)
	not contains(f.msg, "source key")
}

test_allow_unreadable_key_applies_for_the_error_outcome if {
	i := object.union(inp(role(guide_permissions), [rule(dst_key)], sse("alias/src"), {}), {"errors": [{"Operation": "DescribeKey", "Code": "AccessDeniedException", "Message": "", "Resource": dst_key, "Component": "kms"}]})
	count(crr_062.deny) == 0 with input as i
	crr_062.applies with input as i
}

# "Unlike other AWS resource policies, an AWS KMS key policy does not automatically
# give permission to the account or any of its identities"; a key policy statement
# naming a principal grants it, and the default statement for the account root
# "enables IAM policies" (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html,
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
names_role(account, actions) := doc(array.concat(default_key_policy(account).Statement, [{"Sid": "Replication", "Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": actions, "Resource": "*"}]))

test_allow_same_account_key_policies_naming_the_role if {
	ks := {
		"alias/src": key("alias/src", src_key, names_role("111122223333", ["kms:Decrypt"])),
		dst_key: key(dst_key, dst_key, names_role("111122223333", ["kms:Encrypt", "kms:GenerateDataKey"])),
	}
	i := inp(role(guide_permissions), [rule(dst_key)], sse("alias/src"), ks)
	count(crr_062.deny) == 0 with input as i
	crr_062.applies with input as i
}

test_deny_key_policy_without_the_account_statement_makes_iam_ineffective if {
	admin_only := doc([{"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/key-admin"}, "Action": "kms:*", "Resource": "*"}])
	ks := object.union(keys, {dst_key: key(dst_key, dst_key, admin_only)})
	i := inp(role(array.concat(guide_permissions, [decrypt(src_key), encrypt(dst_key)])), [rule(dst_key)], sse("alias/src"), ks)
	f := only(crr_062.deny) with input as i
	f.msg == "Replication role crr-role of bucket src cannot use the KMS keys that SSE-KMS replication needs: kms:Encrypt, kms:GenerateDataKey on the replica key arn:aws:kms:eu-west-1:111122223333:key/2222bbbb-dst (not granted by its key policy, which names neither the role nor its account (so IAM policies cannot grant it))"
	f.documents["key-policy-1.json"].Statement[1] == {"Sid": "AllowReplicationRole", "Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": "*"}
	f.commands == ["aws kms put-key-policy --key-id arn:aws:kms:eu-west-1:111122223333:key/2222bbbb-dst --policy-name default --policy file://key-policy-1.json --region eu-west-1"]
}
