# METADATA
# title: Runs away
# custom:
#   id: ACME-LOOP
#   severity: low
package crr.checks.acme_runaway

deny contains f if {
	n := count([x | some x in numbers.range(1, 100000); some y in numbers.range(1, 100000); x == y + 1000000])
	n >= 0
	f := {"msg": sprintf("%d", [n])}
}
