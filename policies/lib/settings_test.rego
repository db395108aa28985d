package crr.lib.settings_test

import data.crr.lib.settings

req(r) := {"settings": {"requirements": r}}

test_defaults_on_empty_settings if {
	every inp in [{}, {"settings": {}}, {"settings": null}, req({}), req(null), {"settings": {"requirements": []}}] {
		settings.rtc == false with input as inp
		settings.delete_marker_replication == false with input as inp
		settings.full_coverage == false with input as inp
		settings.allowed_regions == [] with input as inp
		settings.allowed_accounts == [] with input as inp
		settings.allowed_storage_classes == [] with input as inp
		settings.min_retention_days == 0 with input as inp
	}
}

test_values_are_read if {
	inp := req({
		"rtc": true, "delete_marker_replication": true, "full_coverage": true,
		"allowed_regions": ["eu-west-1", " EU-Central-1 "],
		"allowed_accounts": ["111122223333"],
		"allowed_storage_classes": ["standard_ia", "GLACIER_IR"],
		"min_retention_days": 30,
	})
	settings.rtc with input as inp
	settings.delete_marker_replication with input as inp
	settings.full_coverage with input as inp
	settings.allowed_regions == ["eu-west-1", "eu-central-1"] with input as inp
	settings.allowed_accounts == ["111122223333"] with input as inp
	settings.allowed_storage_classes == ["STANDARD_IA", "GLACIER_IR"] with input as inp
	settings.min_retention_days == 30 with input as inp
}

test_wrong_types_count_as_unset if {
	inp := req({
		"rtc": "yes", "delete_marker_replication": 1, "full_coverage": null,
		"allowed_regions": "eu-west-1", "allowed_accounts": {"a": 1},
		"allowed_storage_classes": [1, "", "STANDARD"],
		"min_retention_days": "30",
	})
	settings.rtc == false with input as inp
	settings.delete_marker_replication == false with input as inp
	settings.full_coverage == false with input as inp
	settings.allowed_regions == [] with input as inp
	settings.allowed_accounts == [] with input as inp
	settings.allowed_storage_classes == ["STANDARD"] with input as inp
	settings.min_retention_days == 0 with input as inp
	settings.min_retention_days == 0 with input as req({"min_retention_days": -5})
}

test_numeric_account_ids_keep_twelve_digits if {
	settings.allowed_accounts == ["111122223333", "012345678901"] with input as req({"allowed_accounts": [111122223333, 12345678901]})
	settings.allowed_accounts == ["444455556666"] with input as req({"allowed_accounts": [" 444455556666 ", "", 1.5]})
}

test_allowed_predicates if {
	settings.region_allowed("ap-south-1") with input as {}
	settings.account_allowed("999999999999") with input as {}
	settings.storage_class_allowed("DEEP_ARCHIVE") with input as {}
	inp := req({"allowed_regions": ["eu-west-1"], "allowed_accounts": ["111122223333"], "allowed_storage_classes": ["STANDARD_IA"]})
	settings.region_allowed("EU-WEST-1") with input as inp
	not settings.region_allowed("us-east-1") with input as inp
	settings.account_allowed("111122223333") with input as inp
	not settings.account_allowed("444455556666") with input as inp
	settings.storage_class_allowed("standard_ia") with input as inp
	not settings.storage_class_allowed("GLACIER") with input as inp
}

test_null_lists_count_as_empty if {
	inp := req({"allowed_regions": null, "allowed_accounts": null, "allowed_storage_classes": null, "min_retention_days": null, "rtc": null})
	settings.allowed_regions == [] with input as inp
	settings.allowed_accounts == [] with input as inp
	settings.allowed_storage_classes == [] with input as inp
	settings.min_retention_days == 0 with input as inp
	settings.rtc == false with input as inp
	settings.region_allowed("eu-west-1") with input as inp
}
