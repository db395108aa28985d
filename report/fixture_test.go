package report

import (
	"time"
)

// hostileMessage carries what an attacker can put in a tag value or an error message:
// a colour escape, an OSC title change, HTML, a bidi override, a bell and a NUL.
const hostileMessage = "tag Owner is \x1b[31mred\x1b[0m <script>alert(1)</script> \x1b]0;pwned\x07\u202eevil\u202c\x00 end"

// fixtureChecks is the catalogue slice the fixture result is summarised against.
func fixtureChecks() []CheckInfo {
	return []CheckInfo{
		{ID: "CRR-090", Title: "Configuration could not be read", Severity: "error"},
		{ID: "CRR-001", Title: "Source bucket versioning is not enabled", Severity: "critical"},
		{ID: "CRR-002", Title: "Destination bucket versioning is not enabled", Severity: "critical"},
		{ID: "CRR-010", Title: "Bucket in scope does not replicate", Severity: "high"},
		{ID: "CRR-034", Title: "Trust policy has no confused-deputy condition", Severity: "low"},
		{ID: "CRR-050", Title: "Destination bucket policy does not grant the replication role", Severity: "critical"},
	}
}

// fixtureOutcomes are per-check bucket outcome counts matching fixtureFindings.
func fixtureOutcomes() map[string]map[string]int {
	return map[string]map[string]int{
		"CRR-001": {"pass": 3, "fail": 1, "error": 1},
		"CRR-002": {"pass": 2, "error": 1},
		"CRR-010": {"pass": 3, "fail": 1, "error": 1},
		"CRR-034": {"pass": 1, "waived": 1, "error": 1},
		"CRR-050": {"fail": 1, "error": 1},
		"CRR-090": {"pass": 4, "fail": 1},
	}
}

// fixtureScan is a scan of two accounts of an organisation that has two more, not
// ACTIVE and therefore skipped; incomplete because one read failed.
func fixtureScan() ScanInfo {
	return ScanInfo{
		StartedAt:  time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC),
		FinishedAt: time.Date(2026, 11, 25, 2, 3, 17, 0, time.UTC),
		// A stored snapshot, collected the evening before it was evaluated.
		CollectedAt:    time.Date(2026, 11, 24, 23, 10, 0, 0, time.UTC),
		EvaluatedAt:    time.Date(2026, 11, 25, 2, 3, 17, 0, time.UTC),
		Accounts:       []string{"222222222222", "111111111111"},
		Regions:        []string{"us-east-1", "eu-west-1"},
		BucketsScanned: 5,
		Complete:       false,
		PolicyDigest:   "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
		Source:         "snapshot:fixtures/demo.json",
		SkippedAccounts: []SkippedAccount{
			{ID: "444444444444", State: "PENDING_CLOSURE"},
			{ID: "333333333333", Name: "legacy-sandbox", State: "SUSPENDED"},
		},
		EnabledRegions: map[string][]string{
			"222222222222": {"us-east-1", "eu-west-1"},
			"111111111111": {"us-east-1", "eu-west-1", "eu-central-1"},
		},
	}
}

// fixtureFindings are a few findings over two accounts, in no particular order.
func fixtureFindings() []Finding {
	return []Finding{
		{
			CheckID:     "CRR-050",
			Title:       "Destination bucket policy does not grant the replication role",
			Severity:    "critical",
			Status:      StatusFail,
			AccountID:   "111111111111",
			Region:      "us-east-1",
			Bucket:      "payments-prod",
			ResourceARN: "arn:aws:s3:::payments-prod",
			RuleID:      "to-dr",
			Destination: "arn:aws:s3:::payments-dr",
			Message:     "destination payments-dr in account 222222222222 does not grant arn:aws:iam::111111111111:role/crr-payments s3:ReplicateObject, s3:ReplicateDelete on arn:aws:s3:::payments-dr/*",
			Evidence: map[string]any{
				"destination_account": "222222222222",
				"missing_actions":     []string{"s3:ReplicateDelete", "s3:ReplicateObject"},
				"role":                "arn:aws:iam::111111111111:role/crr-payments",
			},
			Remediation: Remediation{
				Summary:  "Grant the replication role write access on the destination bucket.",
				Commands: []string{"aws s3api put-bucket-policy --bucket payments-dr --policy file://payments-dr-policy.json"},
				Documents: map[string]any{
					"payments-dr-policy.json": map[string]any{
						"Version": "2012-10-17",
						"Statement": []any{map[string]any{
							"Sid":       "AllowReplicationFrom111111111111",
							"Effect":    "Allow",
							"Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:role/crr-payments"},
							"Action":    []string{"s3:ReplicateObject", "s3:ReplicateDelete"},
							"Resource":  "arn:aws:s3:::payments-dr/*",
						}},
					},
				},
			},
			Fingerprint: Fingerprint("CRR-050", "111111111111", "payments-prod", "to-dr", "arn:aws:s3:::payments-dr", ""),
		},
		{
			CheckID:     "CRR-090",
			Title:       "Configuration could not be read",
			Severity:    "error",
			Status:      StatusError,
			AccountID:   "222222222222",
			Region:      "eu-west-1",
			Bucket:      "archive-eu",
			ResourceARN: "arn:aws:s3:::archive-eu",
			Message:     "GetBucketReplication failed: AccessDenied (the checks that need the replication configuration were not judged)",
			Evidence:    map[string]any{"operation": "GetBucketReplication", "code": "AccessDenied", "component": "replication"},
			Fingerprint: Fingerprint("CRR-090", "222222222222", "archive-eu", "", "", "GetBucketReplication"),
		},
		{
			CheckID:     "CRR-001",
			Title:       "Source bucket versioning is not enabled",
			Severity:    "critical",
			Status:      StatusFail,
			AccountID:   "111111111111",
			Region:      "us-east-1",
			Bucket:      "logs-prod",
			ResourceARN: "arn:aws:s3:::logs-prod",
			Message:     "versioning is Suspended on logs-prod",
			Evidence:    map[string]any{"versioning": "Suspended"},
			Remediation: Remediation{
				Summary:  "Enable versioning on the source bucket.",
				Commands: []string{"aws s3api put-bucket-versioning --bucket logs-prod --versioning-configuration Status=Enabled"},
			},
			Compliance:  []Control{{Framework: "aws-securityhub", Control: "S3.7"}, {Framework: "nist-800-53-r5", Control: "CP-9"}},
			Fingerprint: Fingerprint("CRR-001", "111111111111", "logs-prod", "", "", ""),
		},
		{
			CheckID:     "CRR-010",
			Title:       "Bucket in scope does not replicate",
			Severity:    "high",
			Status:      StatusFail,
			AccountID:   "222222222222",
			Region:      "us-east-1",
			Bucket:      "media-uploads",
			ResourceARN: "arn:aws:s3:::media-uploads",
			Message:     hostileMessage,
			Evidence:    map[string]any{"tags": map[string]any{"Owner": "\x1b[31mred\x1b[0m <script>alert(1)</script>"}},
			Compliance:  []Control{{Framework: "aws-securityhub", Control: "S3.7"}, {Framework: "custom", Control: "=HYPERLINK(\"x\") <b>\x1b[31m"}},
			Fingerprint: Fingerprint("CRR-010", "222222222222", "media-uploads", "", "", ""),
		},
		{
			CheckID:     "CRR-034",
			Title:       "Trust policy has no confused-deputy condition",
			Severity:    "low",
			Status:      StatusWaived,
			AccountID:   "111111111111",
			Region:      "us-east-1",
			Bucket:      "payments-prod",
			ResourceARN: "arn:aws:s3:::payments-prod",
			Message:     "the trust policy of arn:aws:iam::111111111111:role/crr-payments has no aws:SourceAccount or aws:SourceArn condition (waived until 2027-01-31: SEC-1234)",
			Evidence:    map[string]any{"waiver": map[string]any{"owner": "platform-team", "expires": "2027-01-31", "ticket": "SEC-1234"}},
			Fingerprint: Fingerprint("CRR-034", "111111111111", "payments-prod", "", "", ""),
		},
	}
}

// fixtureResult is the result every golden file is rendered from.
func fixtureResult() *Result {
	return NewResult(Tool{Name: "crrscan", Version: "1.2.3-test"}, fixtureScan(), fixtureChecks(), fixtureFindings(), fixtureOutcomes())
}
