package scantest

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// OrgEstate is the organisation the multi-account tests scan, seeded in moto:
//
//   - the management account: org-mgmt-plain (us-east-1, versioned, no replication);
//   - member "alpha": org-alpha-src (eu-west-1) replicates to org-beta-dst, and
//     org-alpha-bad (us-east-1) to org-beta-nogrant, both with alpha's role
//     crr-alpha, whose policy allows what replication needs;
//   - member "beta": org-beta-dst (us-west-2, versioned, BucketOwnerEnforced, a
//     bucket policy granting crr-alpha the replication actions) and
//     org-beta-nogrant (eu-west-1, versioning suspended, no bucket policy);
//   - member "gamma", closed (SUSPENDED), with org-gamma-hidden.
//
// Scanned as an organisation, the pairs across alpha and beta are judged with
// beta's settings: org-alpha-bad fails CRR-002 and CRR-050, org-alpha-src passes them.
type OrgEstate struct {
	*Org
	// Buckets are the active accounts' buckets, by account id, sorted.
	Buckets map[string][]string
	// Hidden are the suspended account's buckets, which a scan must not list.
	Hidden []string
	// Role is alpha's replication role's ARN.
	Role string
}

// SeedOrgEstate creates OrgEstate in the emulator at endpoint (reset beforehand).
func SeedOrgEstate(ctx context.Context, endpoint string) (*OrgEstate, error) {
	org, err := CreateOrg(ctx, endpoint, "alpha", "beta", "gamma")
	if err != nil {
		return nil, err
	}
	e := &OrgEstate{Org: org, Buckets: map[string][]string{}}
	alpha, beta := org.Members["alpha"], org.Members["beta"]
	e.Role = "arn:aws:iam::" + alpha + ":role/crr-alpha"
	s := seed{ctx: ctx}

	mgmt := AWSConfig(endpoint, "us-east-1")
	s.bucket(mgmt, "org-mgmt-plain", "us-east-1", "Enabled")
	e.Buckets[org.Management] = []string{"org-mgmt-plain"}

	b, err := org.MemberConfig(ctx, "beta", "us-east-1")
	if err != nil {
		return nil, err
	}
	s.bucket(b, "org-beta-dst", "us-west-2", "Enabled")
	s.do("PutBucketOwnershipControls org-beta-dst", func() error {
		_, err := s3Client(b, "us-west-2").PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{
			Bucket: aws.String("org-beta-dst"),
			OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{
				{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced},
			}},
		})
		return err
	})
	s.do("PutBucketPolicy org-beta-dst", func() error {
		_, err := s3Client(b, "us-west-2").PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
			Bucket: aws.String("org-beta-dst"), Policy: aws.String(destinationPolicy(e.Role, "org-beta-dst")),
		})
		return err
	})
	s.bucket(b, "org-beta-nogrant", "eu-west-1", "Enabled")
	e.Buckets[beta] = []string{"org-beta-dst", "org-beta-nogrant"}

	a, err := org.MemberConfig(ctx, "alpha", "us-east-1")
	if err != nil {
		return nil, err
	}
	s.do("CreateRole crr-alpha", func() error {
		c := iam.NewFromConfig(a)
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName: aws.String("crr-alpha"), AssumeRolePolicyDocument: aws.String(guardedTrust(alpha)),
		}); err != nil {
			return err
		}
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
			RoleName: aws.String("crr-alpha"), PolicyName: aws.String("crr"),
			PolicyDocument: aws.String(rolePolicy([]string{"org-alpha-src", "org-alpha-bad"}, []string{"org-beta-dst", "org-beta-nogrant"})),
		})
		return err
	})
	s.bucket(a, "org-alpha-src", "eu-west-1", "Enabled")
	s.bucket(a, "org-alpha-bad", "us-east-1", "Enabled")
	s.replicate(a, "org-alpha-src", "eu-west-1", e.Role, "org-beta-dst", beta)
	s.replicate(a, "org-alpha-bad", "us-east-1", e.Role, "org-beta-nogrant", beta)
	e.Buckets[alpha] = []string{"org-alpha-bad", "org-alpha-src"}

	// Suspended after the configuration was accepted: S3 would have refused the
	// source's configuration, not the destination's.
	s.do("PutBucketVersioning org-beta-nogrant", func() error {
		_, err := s3Client(b, "eu-west-1").PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
			Bucket:                  aws.String("org-beta-nogrant"),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended},
		})
		return err
	})

	g, err := org.MemberConfig(ctx, "gamma", "us-east-1")
	if err != nil {
		return nil, err
	}
	s.bucket(g, "org-gamma-hidden", "us-east-1", "")
	e.Hidden = []string{"org-gamma-hidden"}
	if s.err != nil {
		return nil, s.err
	}
	if err := org.CloseAccount(ctx, "gamma"); err != nil {
		return nil, err
	}
	for _, names := range e.Buckets {
		sort.Strings(names)
	}
	return e, nil
}

// AllBuckets returns every active account's bucket, sorted.
func (e *OrgEstate) AllBuckets() []string {
	var out []string
	for _, names := range e.Buckets {
		out = append(out, names...)
	}
	sort.Strings(out)
	return out
}

// seed runs seeding steps until the first failure.
type seed struct {
	ctx context.Context
	err error
}

func (s *seed) do(what string, f func() error) {
	if s.err != nil {
		return
	}
	if err := f(); err != nil {
		s.err = fmt.Errorf("seed: %s: %w", what, err)
	}
}

func s3Client(cfg aws.Config, region string) *s3.Client {
	cfg = cfg.Copy()
	cfg.Region = region
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// bucket creates a bucket in region, with versioning status ("" for none).
func (s *seed) bucket(cfg aws.Config, name, region, versioning string) {
	s.do("CreateBucket "+name, func() error {
		in := &s3.CreateBucketInput{Bucket: aws.String(name)}
		if region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
		}
		if _, err := s3Client(cfg, region).CreateBucket(s.ctx, in); err != nil {
			return err
		}
		if versioning == "" {
			return nil
		}
		_, err := s3Client(cfg, region).PutBucketVersioning(s.ctx, &s3.PutBucketVersioningInput{
			Bucket:                  aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatus(versioning)},
		})
		return err
	})
}

// replicate puts the guide's cross-account rule on src: V2, enabled, the whole
// bucket, to dst in account dstAccount.
func (s *seed) replicate(cfg aws.Config, src, region, role, dst, dstAccount string) {
	s.do("PutBucketReplication "+src, func() error {
		_, err := s3Client(cfg, region).PutBucketReplication(s.ctx, &s3.PutBucketReplicationInput{
			Bucket: aws.String(src),
			ReplicationConfiguration: &s3types.ReplicationConfiguration{Role: aws.String(role), Rules: []s3types.ReplicationRule{{
				ID: aws.String("to-" + dst), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
				Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusEnabled},
				Destination: &s3types.Destination{
					Bucket: aws.String("arn:aws:s3:::" + dst), Account: aws.String(dstAccount), StorageClass: s3types.StorageClassStandard,
				},
			}}},
		})
		return err
	})
}

// guardedTrust lets S3 assume the role for the account's own buckets only.
func guardedTrust(account string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},` +
		`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"` + account + `"}}}]}`
}

// rolePolicy is the guide's least-privilege replication policy for several pairs.
func rolePolicy(srcs, dsts []string) string {
	arns := func(names []string, suffix string) string {
		out := ""
		for i, n := range names {
			if i > 0 {
				out += ","
			}
			out += `"arn:aws:s3:::` + n + suffix + `"`
		}
		return "[" + out + "]"
	}
	return `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":["s3:GetReplicationConfiguration","s3:ListBucket"],"Resource":` + arns(srcs, "") + `},` +
		`{"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionAcl","s3:GetObjectVersionTagging"],"Resource":` + arns(srcs, "/*") + `},` +
		`{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Resource":` + arns(dsts, "/*") + `}]}`
}

// destinationPolicy is the guide's cross-account destination bucket policy.
func destinationPolicy(role, bucket string) string {
	return `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"ReplicaWrites","Effect":"Allow","Principal":{"AWS":"` + role + `"},` +
		`"Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Resource":"arn:aws:s3:::` + bucket + `/*"},` +
		`{"Sid":"Versioning","Effect":"Allow","Principal":{"AWS":"` + role + `"},` +
		`"Action":["s3:GetBucketVersioning","s3:PutBucketVersioning"],"Resource":"arn:aws:s3:::` + bucket + `"}]}`
}

// CrossAccountRules make a proxy answer as AWS would when an account reads
// another account's buckets without a grant: AccessDenied. A scan that read a
// pair's destination with the source account's credentials would then see
// nothing. Register the management account's static key with the proxy
// (Proxy.RegisterKey("testing", e.Management)) for its requests to count.
func (e *OrgEstate) CrossAccountRules() []Rule {
	var owners []string
	for owner := range e.Buckets {
		owners = append(owners, owner)
	}
	sort.Strings(owners)
	var rules []Rule
	for _, owner := range owners {
		for _, other := range owners {
			if other == owner {
				continue
			}
			for _, n := range e.Buckets[owner] {
				rules = append(rules, Rule{Account: other, Bucket: n})
			}
		}
	}
	return rules
}
