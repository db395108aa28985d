package remediate

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// A resource is the one thing an action writes: a bucket's versioning, replication
// configuration, policy, ownership controls or Object Lock setting; a role's
// existence, trust policy or one inline policy. Each write operation replaces its
// resource whole, so the state after several writes to one resource is the last one.

// ResourceKey names the resource an action writes: its kind and the target (and the
// inline policy name for iam:PutRolePolicy).
func ResourceKey(a report.Action) string {
	k := kindOf(a.Op) + " " + a.Target
	if a.Op == "iam:PutRolePolicy" {
		k += " " + str(a.Params, "PolicyName")
	}
	return k
}

// kinds maps the write operations the planner can simulate to the resource they write.
var kinds = map[string]string{
	"s3:PutBucketVersioning":        "versioning",
	"s3:PutBucketReplication":       "replication",
	"s3:PutBucketPolicy":            "bucket-policy",
	"s3:PutBucketOwnershipControls": "ownership",
	"s3:PutObjectLockConfiguration": "object-lock",
	"iam:CreateRole":                "role",
	"iam:UpdateAssumeRolePolicy":    "trust",
	"iam:PutRolePolicy":             "role-policy",
}

func kindOf(op string) string {
	if k, ok := kinds[op]; ok {
		return k
	}
	return op
}

// Simulated reports whether the planner can apply op to a snapshot (and so plan it).
func Simulated(op string) bool {
	_, ok := kinds[op]
	return ok
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// Recode re-encodes v through JSON as T: a JSON value as a typed request or
// snapshot value, or an SDK value (whose fields carry AWS's names) as the snapshot's.
func Recode[T any](v any) (T, error) {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(b, &out)
	return out, err
}

// bucketConfigs are every record of the bucket named name in s: a scanned bucket and
// the destination record of it, which both describe the one bucket.
func bucketConfigs(s *scanner.Snapshot, name string) (*scanner.Bucket, *scanner.LinkedBucket) {
	var b *scanner.Bucket
	var l *scanner.LinkedBucket
	if i := slices.IndexFunc(s.Buckets, func(x scanner.Bucket) bool { return x.Name == name }); i >= 0 {
		b = &s.Buckets[i]
	}
	if i := slices.IndexFunc(s.Destinations, func(x scanner.LinkedBucket) bool { return x.Name == name }); i >= 0 {
		l = &s.Destinations[i]
	}
	return b, l
}

func roleOf(s *scanner.Snapshot, arn string) *scanner.Role {
	if i := slices.IndexFunc(s.Roles, func(r scanner.Role) bool { return r.Arn == arn }); i >= 0 {
		return &s.Roles[i]
	}
	return nil
}

// State returns what s holds for the resource a writes, as a JSON value (nil when
// s holds nothing for it: no such setting, or a role that does not exist).
func State(s *scanner.Snapshot, a report.Action) (any, error) {
	var v any
	switch a.Op {
	case "s3:PutBucketVersioning", "s3:PutBucketReplication", "s3:PutBucketPolicy",
		"s3:PutBucketOwnershipControls", "s3:PutObjectLockConfiguration":
		b, l := bucketConfigs(s, str(a.Params, "Bucket"))
		if b == nil && l == nil {
			return nil, fmt.Errorf("%s: bucket %s is not in the snapshot", a.Op, str(a.Params, "Bucket"))
		}
		var cfg *scanner.BucketConfig
		var versioning *scanner.Versioning
		if b != nil {
			cfg, versioning = &b.BucketConfig, b.Versioning
		} else {
			cfg, versioning = &l.BucketConfig, l.Versioning
		}
		switch a.Op {
		case "s3:PutBucketVersioning":
			v = versioning
		case "s3:PutBucketReplication":
			if b == nil {
				return nil, fmt.Errorf("%s: bucket %s was not scanned", a.Op, str(a.Params, "Bucket"))
			}
			v = b.ReplicationConfiguration
		case "s3:PutBucketPolicy":
			if cfg.Policy != nil {
				v = cfg.Policy.Document
			}
		case "s3:PutBucketOwnershipControls":
			v = cfg.OwnershipControls
		case "s3:PutObjectLockConfiguration":
			v = cfg.ObjectLockConfiguration
		}
	case "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy":
		r := roleOf(s, a.Target)
		if r == nil || r.Exists == nil || !*r.Exists {
			return nil, nil
		}
		switch a.Op {
		case "iam:CreateRole":
			v = map[string]any{"RoleName": r.RoleName}
		case "iam:UpdateAssumeRolePolicy":
			v = r.AssumeRolePolicyDocument
		case "iam:PutRolePolicy":
			if i := slices.IndexFunc(r.RolePolicies, func(p scanner.InlinePolicy) bool { return p.PolicyName == str(a.Params, "PolicyName") }); i >= 0 {
				v = r.RolePolicies[i].PolicyDocument
			}
		}
	default:
		return nil, fmt.Errorf("%s: not an operation the planner can simulate", a.Op)
	}
	return Recode[any](v)
}

// Simulate changes s as AWS would once a succeeds.
func Simulate(s *scanner.Snapshot, a report.Action) error {
	p := a.Params
	switch a.Op {
	case "s3:PutBucketVersioning", "s3:PutBucketPolicy", "s3:PutBucketOwnershipControls", "s3:PutObjectLockConfiguration":
		b, l := bucketConfigs(s, str(p, "Bucket"))
		if b == nil && l == nil {
			return fmt.Errorf("%s: bucket %s is not in the snapshot", a.Op, str(p, "Bucket"))
		}
		set := func(cfg *scanner.BucketConfig, versioning **scanner.Versioning) error {
			var err error
			switch a.Op {
			case "s3:PutBucketVersioning":
				*versioning, err = Recode[*scanner.Versioning](p["VersioningConfiguration"])
			case "s3:PutBucketPolicy":
				var doc any
				doc, err = Recode[any](p["Policy"])
				cfg.Policy = &scanner.BucketPolicy{Document: doc}
			case "s3:PutBucketOwnershipControls":
				cfg.OwnershipControls, err = Recode[*scanner.OwnershipControls](p["OwnershipControls"])
			case "s3:PutObjectLockConfiguration":
				cfg.ObjectLockConfiguration, err = Recode[*scanner.ObjectLockConfiguration](p["ObjectLockConfiguration"])
			}
			return err
		}
		if b != nil {
			if err := set(&b.BucketConfig, &b.Versioning); err != nil {
				return fmt.Errorf("%s on %s: %w", a.Op, b.Name, err)
			}
		}
		if l != nil {
			if err := set(&l.BucketConfig, &l.Versioning); err != nil {
				return fmt.Errorf("%s on %s: %w", a.Op, l.Name, err)
			}
		}
	case "s3:PutBucketReplication":
		b, _ := bucketConfigs(s, str(p, "Bucket"))
		if b == nil {
			return fmt.Errorf("%s: bucket %s was not scanned", a.Op, str(p, "Bucket"))
		}
		cfg, err := Recode[*scanner.ReplicationConfiguration](p["ReplicationConfiguration"])
		if err != nil {
			return fmt.Errorf("%s on %s: %w", a.Op, b.Name, err)
		}
		b.ReplicationConfiguration = cfg
	case "iam:CreateRole":
		trust, err := Recode[any](p["AssumeRolePolicyDocument"])
		if err != nil {
			return fmt.Errorf("%s %s: %w", a.Op, a.Target, err)
		}
		exists := true
		r := scanner.Role{Arn: a.Target, RoleName: str(p, "RoleName"), AccountID: a.AccountID, Exists: &exists, AssumeRolePolicyDocument: trust}
		if old := roleOf(s, a.Target); old != nil {
			*old = r
		} else {
			s.Roles = append(s.Roles, r)
			s.Sort()
		}
	case "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy":
		r := roleOf(s, a.Target)
		if r == nil || r.Exists == nil || !*r.Exists {
			return fmt.Errorf("%s: role %s does not exist", a.Op, a.Target)
		}
		doc, err := Recode[any](p["PolicyDocument"])
		if err != nil {
			return fmt.Errorf("%s %s: %w", a.Op, a.Target, err)
		}
		if a.Op == "iam:UpdateAssumeRolePolicy" {
			r.AssumeRolePolicyDocument = doc
			return nil
		}
		ip := scanner.InlinePolicy{PolicyName: str(p, "PolicyName"), PolicyDocument: doc}
		if i := slices.IndexFunc(r.RolePolicies, func(x scanner.InlinePolicy) bool { return x.PolicyName == ip.PolicyName }); i >= 0 {
			r.RolePolicies[i] = ip
		} else {
			r.RolePolicies = append(r.RolePolicies, ip)
		}
	default:
		return fmt.Errorf("%s: not an operation the planner can simulate", a.Op)
	}
	return nil
}

// clone returns a deep copy of s.
func clone(s *scanner.Snapshot) (*scanner.Snapshot, error) {
	return Recode[*scanner.Snapshot](s)
}

// RestoreAction is the action that puts the resource a wrote back to before (a
// state as State returns it), and false when that takes a deletion instead: a
// resource that was not set (nil), or a role crrscan created.
func RestoreAction(a report.Action, before any) (report.Action, bool) {
	if before == nil {
		return report.Action{}, false
	}
	r := a
	r.Params = map[string]any{}
	for k, v := range a.Params {
		r.Params[k] = v
	}
	switch a.Op {
	case "s3:PutBucketVersioning":
		// A bucket whose versioning was never enabled can only be suspended.
		st := str(asMap(before), "Status")
		if st == "" {
			st = "Suspended"
		}
		r.Params["VersioningConfiguration"] = map[string]any{"Status": st}
	case "s3:PutBucketReplication":
		r.Params["ReplicationConfiguration"] = before
	case "s3:PutBucketPolicy":
		r.Params["Policy"] = before
	case "s3:PutBucketOwnershipControls":
		r.Params["OwnershipControls"] = before
	case "s3:PutObjectLockConfiguration":
		r.Params["ObjectLockConfiguration"] = before
	case "iam:CreateRole":
		return report.Action{}, false
	default:
		r.Params["PolicyDocument"] = before
	}
	return r, true
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// SimulateRestore puts the resource a wrote back to before in s, as Client.Restore
// does in AWS.
func SimulateRestore(s *scanner.Snapshot, a report.Action, before any) error {
	if r, ok := RestoreAction(a, before); ok {
		return Simulate(s, r)
	}
	switch a.Op {
	case "s3:PutBucketVersioning":
		return Simulate(s, report.Action{Op: a.Op, Target: a.Target, Params: map[string]any{"Bucket": a.Params["Bucket"], "VersioningConfiguration": map[string]any{"Status": "Suspended"}}})
	case "s3:PutBucketReplication":
		b, _ := bucketConfigs(s, str(a.Params, "Bucket"))
		if b == nil {
			return fmt.Errorf("%s: bucket %s was not scanned", a.Op, str(a.Params, "Bucket"))
		}
		b.ReplicationConfiguration = nil
	case "s3:PutBucketPolicy", "s3:PutBucketOwnershipControls":
		b, l := bucketConfigs(s, str(a.Params, "Bucket"))
		for _, cfg := range []*scanner.BucketConfig{configOf(b), linkedConfigOf(l)} {
			if cfg == nil {
				continue
			}
			if a.Op == "s3:PutBucketPolicy" {
				cfg.Policy = &scanner.BucketPolicy{}
			} else {
				cfg.OwnershipControls = nil
			}
		}
	case "s3:PutObjectLockConfiguration":
		return fmt.Errorf("%s: Object Lock cannot be turned off", a.Op)
	case "iam:CreateRole":
		if r := roleOf(s, a.Target); r != nil {
			exists := false
			*r = scanner.Role{Arn: r.Arn, RoleName: r.RoleName, AccountID: r.AccountID, Exists: &exists}
		}
	case "iam:PutRolePolicy":
		if r := roleOf(s, a.Target); r != nil {
			r.RolePolicies = slices.DeleteFunc(r.RolePolicies, func(p scanner.InlinePolicy) bool { return p.PolicyName == str(a.Params, "PolicyName") })
		}
	default:
		return fmt.Errorf("%s: cannot restore", a.Op)
	}
	return nil
}

func configOf(b *scanner.Bucket) *scanner.BucketConfig {
	if b == nil {
		return nil
	}
	return &b.BucketConfig
}

func linkedConfigOf(l *scanner.LinkedBucket) *scanner.BucketConfig {
	if l == nil {
		return nil
	}
	return &l.BucketConfig
}
