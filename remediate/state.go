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

// convert re-encodes v (a JSON value) as T.
func convert[T any](v any) (T, error) {
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
	return convert[any](v)
}

// Apply changes s as AWS would once a succeeds.
func Apply(s *scanner.Snapshot, a report.Action) error {
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
				*versioning, err = convert[*scanner.Versioning](p["VersioningConfiguration"])
			case "s3:PutBucketPolicy":
				var doc any
				doc, err = convert[any](p["Policy"])
				cfg.Policy = &scanner.BucketPolicy{Document: doc}
			case "s3:PutBucketOwnershipControls":
				cfg.OwnershipControls, err = convert[*scanner.OwnershipControls](p["OwnershipControls"])
			case "s3:PutObjectLockConfiguration":
				cfg.ObjectLockConfiguration, err = convert[*scanner.ObjectLockConfiguration](p["ObjectLockConfiguration"])
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
		cfg, err := convert[*scanner.ReplicationConfiguration](p["ReplicationConfiguration"])
		if err != nil {
			return fmt.Errorf("%s on %s: %w", a.Op, b.Name, err)
		}
		b.ReplicationConfiguration = cfg
	case "iam:CreateRole":
		trust, err := convert[any](p["AssumeRolePolicyDocument"])
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
		doc, err := convert[any](p["PolicyDocument"])
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
	return convert[*scanner.Snapshot](s)
}
