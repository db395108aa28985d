package scanner

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func orgSnapshot() *Snapshot {
	return &Snapshot{
		SchemaVersion: SchemaVersion,
		CollectedAt:   time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
		Accounts:      []string{memberB, fakeAccount},
		Regions:       []string{"us-east-1"},
		Buckets:       []Bucket{{Name: "b", Arn: "arn:aws:s3:::b", AccountID: fakeAccount, Region: "us-east-1", Tags: []Tag{}}},
		Destinations:  []LinkedBucket{},
		Roles:         []Role{},
		Errors: []CollectionError{{Operation: "AssumeRole", Code: "AccessDenied", Resource: auditRoleIn(memberB),
			Component: ComponentAccount, Message: "account " + memberB + " could not be scanned: no"}},
		SkippedAccounts: []SkippedAccount{{ID: suspended, State: "SUSPENDED"}, {ID: memberA, Name: "alpha", State: "CLOSED"}},
		EnabledRegions:  map[string][]string{fakeAccount: {"us-east-1", "eu-west-1"}},
	}
}

func TestSnapshotOrganisationFieldsRoundTrip(t *testing.T) {
	var first bytes.Buffer
	if err := WriteSnapshot(&first, orgSnapshot()); err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{
		`"skipped_accounts": [` + "\n" + `    {` + "\n" + `      "Id": "` + memberA + `",` + "\n" + `      "Name": "alpha",`,
		`"enabled_regions": {` + "\n" + `    "` + fakeAccount + `": [` + "\n" + `      "eu-west-1",`,
	} {
		if !strings.Contains(first.String(), frag) {
			t.Errorf("snapshot lacks %q (sorted):\n%s", frag, first.String())
		}
	}
	s, err := ReadSnapshot(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("ReadSnapshot: %v", err)
	}
	if s.Complete() {
		t.Error("a snapshot with an unreachable account is complete")
	}
	var second bytes.Buffer
	if err := WriteSnapshot(&second, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("round trip changed the bytes:\n%s\n---\n%s", first.String(), second.String())
	}
	// A single-account snapshot keeps its old shape: no empty organisation fields.
	plain := orgSnapshot()
	plain.SkippedAccounts, plain.EnabledRegions, plain.Errors = nil, nil, nil
	var b bytes.Buffer
	if err := WriteSnapshot(&b, plain); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "skipped_accounts") || strings.Contains(b.String(), "enabled_regions") {
		t.Errorf("empty organisation fields written:\n%s", b.String())
	}
}

func TestReadSnapshotRejectsBadOrganisationFields(t *testing.T) {
	tests := map[string]string{
		"skipped account without Id":    `"skipped_accounts":[{"State":"SUSPENDED"}]`,
		"skipped account without State": `"skipped_accounts":[{"Id":"111122223333"}]`,
		"unknown skipped account field": `"skipped_accounts":[{"Id":"111122223333","State":"SUSPENDED","Email":"x"}]`,
		"regions list null":             `"enabled_regions":{"111122223333":null}`,
		"regions not a list":            `"enabled_regions":{"111122223333":"us-east-1"}`,
	}
	for name, field := range tests {
		t.Run(name, func(t *testing.T) {
			doc := `{"schema_version":"1","collected_at":"2026-11-25T00:00:00Z","accounts":[],"regions":[],"buckets":[],"destinations":[],"roles":[],` + field + `}`
			if _, err := ReadSnapshot(strings.NewReader(doc)); !errors.Is(err, ErrSnapshot) {
				t.Errorf("ReadSnapshot = %v, want ErrSnapshot", err)
			}
		})
	}
}
