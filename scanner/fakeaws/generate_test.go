package fakeaws

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	spec := DefaultSpec(1000, 20)
	e := Generate(spec)
	if !reflect.DeepEqual(e, Generate(spec)) {
		t.Fatal("Generate is not deterministic")
	}
	if len(e.Buckets) != 1000 || len(e.Accounts) != 20 || e.ManagementAccount != AccountID(0) || len(e.Roles) != 60 || len(e.Keys) != 60 {
		t.Fatalf("%d buckets, %d accounts (management %s), %d roles, %d keys", len(e.Buckets), len(e.Accounts), e.ManagementAccount, len(e.Roles), len(e.Keys))
	}
	ix := newIndex(e)
	kinds := map[string]int{}
	perAccount := map[string]int{}
	replicating, cross, kms, destinations := 0, 0, 0, map[string]bool{}
	for _, b := range e.Buckets {
		kinds[b.Kind]++
		perAccount[b.Account]++
		if b.Replication == nil {
			if b.Kind == KindSource || b.Kind == KindTwoWay {
				t.Errorf("%s (%s) does not replicate", b.Name, b.Kind)
			}
			continue
		}
		replicating++
		if b.Versioning != "Enabled" {
			t.Errorf("%s replicates without versioning", b.Name)
		}
		cfg := b.Replication
		acct, name, ok := strings.Cut(strings.TrimPrefix(cfg.Role, "arn:aws:iam::"), ":role/service-role/")
		if !ok || acct != b.Account || ix.roles[acct+"/"+name] == nil {
			t.Errorf("%s: role %s is not a role of its account", b.Name, cfg.Role)
		}
		for _, r := range cfg.Rules {
			dn := strings.TrimPrefix(r.Destination.Bucket, "arn:aws:s3:::")
			di, ok := ix.buckets[dn]
			if !ok {
				t.Fatalf("%s replicates to a missing bucket %s", b.Name, dn)
			}
			d := e.Buckets[di]
			destinations[dn] = true
			if d.Region == b.Region || d.Versioning != "Enabled" {
				t.Errorf("%s → %s: regions %s → %s, destination versioning %q", b.Name, dn, b.Region, d.Region, d.Versioning)
			}
			if d.Account != b.Account {
				cross++
				if r.Destination.Account != d.Account || r.Destination.AccessControlTranslation == nil || !strings.Contains(d.Policy, cfg.Role) {
					t.Errorf("cross-account %s → %s lacks the account, owner override or destination policy", b.Name, dn)
				}
			}
			if ec := r.Destination.EncryptionConfiguration; ec != nil {
				kms++
				k, _ := ix.findKey(ec.ReplicaKmsKeyID, d.Region, d.Account)
				if k == nil || (k.Account != b.Account && !contains(k.DescribableBy, b.Account)) {
					t.Errorf("%s: replica key %s is missing or not shared with the source", b.Name, ec.ReplicaKmsKeyID)
				}
			}
		}
	}
	if want := map[string]int{KindPlain: 430, KindSource: 270, KindDestination: 270, KindTwoWay: 30}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds = %v, want %v", kinds, want)
	}
	if replicating != 300 || len(destinations) != 300 {
		t.Errorf("%d replicating buckets, %d destinations; want 300 and 300", replicating, len(destinations))
	}
	for a, n := range perAccount {
		if n < 40 || n > 60 {
			t.Errorf("account %s holds %d buckets, want about 50", a, n)
		}
	}
	// Two-way pairs count once per direction.
	if share := float64(cross) / 300; math.Abs(share-0.3) > 0.08 {
		t.Errorf("%d of 300 rules cross accounts (%.0f %%), want about 30 %%", cross, 100*share)
	}
	if share := float64(kms) / 300; math.Abs(share-0.2) > 0.08 {
		t.Errorf("%d of 300 rules use SSE-KMS, want about 20 %%", kms)
	}

	one := Generate(DefaultSpec(10, 1))
	for _, b := range one.Buckets {
		if b.Account != AccountID(0) || (b.Replication != nil && b.Replication.Rules[0].Destination.Account != "") {
			t.Errorf("single-account estate: %s in %s, destination account %v", b.Name, b.Account, b.Replication)
		}
	}
}
