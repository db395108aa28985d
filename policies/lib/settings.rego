# METADATA
# title: Settings accessors
# description: >-
#   The user's requirements for the bucket (crrscan.yaml, as they apply to this bucket)
#   from input.settings.requirements, each with its default, so that checks work on
#   `{}`, on a missing or null settings object, and on values of the wrong type (which
#   count as not set). Lists default to [] (= any), booleans to false, the minimum
#   retention to 0 (= no minimum).
package crr.lib.settings

# requirements is input.settings.requirements, {} when absent or not an object.
requirements := r if {
	is_object(input.settings)
	r := object.get(input.settings, "requirements", {})
	is_object(r)
} else := {}

# flag is a boolean requirement, false unless set to true.
flag(key) := v if {
	v := object.get(requirements, key, false)
	is_boolean(v)
} else := false

# string_list is a list requirement as a list of non-empty strings ([] when unset).
string_list(key) := [s | some s in l; is_string(s); s != ""] if {
	l := object.get(requirements, key, [])
	is_array(l)
} else := []

# rtc: every enabled rule must use S3 Replication Time Control (CRR-040).
rtc := flag("rtc")

# delete_marker_replication: delete markers must be replicated (CRR-014).
delete_marker_replication := flag("delete_marker_replication")

# full_coverage: the enabled rules must cover the whole bucket (CRR-013).
full_coverage := flag("full_coverage")

# monitoring: replication failures must be monitored (CRR-042 also reports rules
# without replication metrics).
monitoring := flag("monitoring")

# allowed_regions are the regions destinations may be in, lower case ([] = any) (CRR-022).
allowed_regions := [lower(trim_space(r)) | some r in string_list("allowed_regions")]

# allowed_accounts are the accounts destinations may belong to ([] = any) (CRR-023).
# YAML may turn an unquoted account id into a number: numbers are written back as
# 12-digit ids (account ids keep their leading zeros).
allowed_accounts := [a | some v in object.get(requirements, "allowed_accounts", []); a := account(v)] if {
	is_array(object.get(requirements, "allowed_accounts", []))
} else := []

account(v) := trim_space(v) if {
	is_string(v)
	trim_space(v) != ""
}

account(v) := sprintf("%012s", [format_int(v, 10)]) if {
	is_number(v)
	v >= 0
	v == floor(v)
}

# allowed_storage_classes are the storage classes replicas may use, upper case
# ([] = any) (CRR-024).
allowed_storage_classes := [upper(trim_space(c)) | some c in string_list("allowed_storage_classes")]

# min_retention_days is the minimum number of days replicas must be kept (0 = no
# minimum) (CRR-026).
min_retention_days := n if {
	n := object.get(requirements, "min_retention_days", 0)
	is_number(n)
	n > 0
} else := 0

# region_allowed is true when the region may hold replicas.
region_allowed(region) if count(allowed_regions) == 0

region_allowed(region) if lower(region) in allowed_regions

# account_allowed is true when the account may hold replicas.
account_allowed(acct) if count(allowed_accounts) == 0

account_allowed(acct) if acct in allowed_accounts

# storage_class_allowed is true when replicas may use the storage class.
storage_class_allowed(class) if count(allowed_storage_classes) == 0

storage_class_allowed(class) if upper(class) in allowed_storage_classes
