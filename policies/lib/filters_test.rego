package crr.lib.filters_test

import data.crr.lib.filters

v1(p) := {"ID": "v1", "Prefix": p, "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::d"}}

v2(f) := {"ID": "v2", "Priority": 1, "Filter": f, "Status": "Enabled", "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::d"}}

kv(k, v) := {"Key": k, "Value": v}

test_prefix_of_every_shape if {
	filters.prefix(v1("logs/")) == "logs/"
	filters.prefix(object.remove(v1(""), ["Prefix"])) == ""
	filters.prefix(v2({})) == ""
	filters.prefix(v2({"Prefix": ""})) == ""
	filters.prefix(v2({"Prefix": "a/"})) == "a/"
	filters.prefix(v2({"Tag": kv("k", "v")})) == ""
	filters.prefix(v2({"And": {"Prefix": "b/", "Tags": [kv("k", "v")]}})) == "b/"
}

test_prefix_field_names_where_the_prefix_is if {
	filters.prefix_field(v1("/x")) == {"path": ["Prefix"], "value": "/x"}
	filters.prefix_field(v2({"Prefix": "x*"})) == {"path": ["Filter", "Prefix"], "value": "x*"}
	filters.prefix_field(v2({"And": {"Prefix": "y", "Tags": []}})) == {"path": ["Filter", "And", "Prefix"], "value": "y"}
	not filters.prefix_field(v2({}))
	not filters.prefix_field(v2({"Tag": kv("k", "v")}))
}

test_tags_and_whole_bucket if {
	filters.tags(v2({"Tag": kv("k", "v")})) == {kv("k", "v")}
	filters.tags(v2({"And": {"Prefix": "", "Tags": [kv("a", "1"), kv("b", "2")]}})) == {kv("a", "1"), kv("b", "2")}
	filters.tags(v1("")) == set()
	filters.tag_filtered(v2({"Tag": kv("k", "v")}))
	not filters.tag_filtered(v2({"Prefix": "a"}))
	filters.whole_bucket(v1(""))
	filters.whole_bucket(v2({}))
	filters.whole_bucket(v2({"Prefix": ""}))
	filters.whole_bucket(v2({"And": {"Prefix": ""}}))
	not filters.whole_bucket(v2({"Prefix": "a/"}))
	not filters.whole_bucket(v1("a/"))
	not filters.whole_bucket(v2({"Tag": kv("k", "v")}))
}

test_overlap if {
	filters.rules_overlap(v2({}), v2({"Prefix": "logs/"}))
	filters.rules_overlap(v2({"Prefix": "logs/"}), v2({"Prefix": "logs/2024/"}))
	not filters.rules_overlap(v2({"Prefix": "logs/"}), v2({"Prefix": "img/"}))
	filters.rules_overlap(v2({"Tag": kv("k", "v")}), v2({"Prefix": "a/"}))
	filters.rules_overlap(v2({"Tag": kv("k", "v")}), v2({"Tag": kv("j", "w")}))
	not filters.rules_overlap(v2({"Tag": kv("k", "v")}), v2({"And": {"Prefix": "", "Tags": [kv("k", "w")]}}))
	filters.rules_overlap(v1(""), v2({"Tag": kv("k", "v")}))
}

test_lifecycle_selection if {
	filters.lifecycle_selection({"ID": "x", "Status": "Enabled", "Prefix": "tmp/"}) == {"prefix": "tmp/", "tags": set()}
	filters.lifecycle_selection({"Status": "Enabled", "Filter": {"And": {"Prefix": "a", "Tags": [kv("k", "v")]}}}) == {"prefix": "a", "tags": {kv("k", "v")}}
	filters.lifecycle_selection({"Status": "Enabled", "Filter": {}}) == {"prefix": "", "tags": set()}
	filters.lifecycle_selection({"Status": "Enabled"}) == {"prefix": "", "tags": set()}
	filters.overlap(filters.lifecycle_selection({"Prefix": "tmp/"}), filters.selection(v2({})))
	not filters.overlap(filters.lifecycle_selection({"Prefix": "tmp/"}), filters.selection(v2({"Prefix": "logs/"})))
}
