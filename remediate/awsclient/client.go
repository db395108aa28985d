// Package awsclient is remediate.Client over the AWS SDK: the reads that check a
// resource before a write and the writes a remediation may call, through small
// interfaces that *s3.Client and *iam.Client satisfy.
package awsclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/crrscan/crrscan/remediate"
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// S3API is the part of the S3 client a remediation calls.
type S3API interface {
	GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	PutBucketVersioning(ctx context.Context, in *s3.PutBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error)
	GetBucketReplication(ctx context.Context, in *s3.GetBucketReplicationInput, optFns ...func(*s3.Options)) (*s3.GetBucketReplicationOutput, error)
	PutBucketReplication(ctx context.Context, in *s3.PutBucketReplicationInput, optFns ...func(*s3.Options)) (*s3.PutBucketReplicationOutput, error)
	DeleteBucketReplication(ctx context.Context, in *s3.DeleteBucketReplicationInput, optFns ...func(*s3.Options)) (*s3.DeleteBucketReplicationOutput, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
	DeleteBucketPolicy(ctx context.Context, in *s3.DeleteBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.DeleteBucketPolicyOutput, error)
	GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error)
	PutBucketOwnershipControls(ctx context.Context, in *s3.PutBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.PutBucketOwnershipControlsOutput, error)
	DeleteBucketOwnershipControls(ctx context.Context, in *s3.DeleteBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.DeleteBucketOwnershipControlsOutput, error)
	GetObjectLockConfiguration(ctx context.Context, in *s3.GetObjectLockConfigurationInput, optFns ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error)
	PutObjectLockConfiguration(ctx context.Context, in *s3.PutObjectLockConfigurationInput, optFns ...func(*s3.Options)) (*s3.PutObjectLockConfigurationOutput, error)
}

// IAMAPI is the part of the IAM client a remediation calls.
type IAMAPI interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(ctx context.Context, in *iam.CreateRoleInput, optFns ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, optFns ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, optFns ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, optFns ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
}

// operationActions maps each method of S3API and IAMAPI to the IAM action that
// allows it (a test keeps the two equal).
var operationActions = map[string]string{
	"GetBucketVersioning":           "s3:GetBucketVersioning",
	"PutBucketVersioning":           "s3:PutBucketVersioning",
	"GetBucketReplication":          "s3:GetReplicationConfiguration",
	"PutBucketReplication":          "s3:PutReplicationConfiguration",
	"DeleteBucketReplication":       "s3:PutReplicationConfiguration",
	"GetBucketPolicy":               "s3:GetBucketPolicy",
	"PutBucketPolicy":               "s3:PutBucketPolicy",
	"DeleteBucketPolicy":            "s3:DeleteBucketPolicy",
	"GetBucketOwnershipControls":    "s3:GetBucketOwnershipControls",
	"PutBucketOwnershipControls":    "s3:PutBucketOwnershipControls",
	"DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
	"GetObjectLockConfiguration":    "s3:GetBucketObjectLockConfiguration",
	"PutObjectLockConfiguration":    "s3:PutBucketObjectLockConfiguration",
	"GetRole":                       "iam:GetRole",
	"CreateRole":                    "iam:CreateRole",
	"DeleteRole":                    "iam:DeleteRole",
	"UpdateAssumeRolePolicy":        "iam:UpdateAssumeRolePolicy",
	"GetRolePolicy":                 "iam:GetRolePolicy",
	"PutRolePolicy":                 "iam:PutRolePolicy",
	"DeleteRolePolicy":              "iam:DeleteRolePolicy",
}

// WriteActions are the IAM actions a remediation (apply and rollback) needs, sorted:
// those of every call it can make, and iam:PassRole, which S3 checks when a
// replication configuration names a role.
func WriteActions() []string {
	set := map[string]bool{"iam:PassRole": true}
	for _, a := range operationActions {
		set[a] = true
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Client is one account's remediate.Client.
type Client struct {
	// S3 returns the S3 client of a region.
	S3  func(region string) S3API
	IAM IAMAPI
}

var _ remediate.Client = (*Client)(nil)

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// asJSON re-encodes an SDK value as the snapshot's type T and then as a JSON value,
// so that what is read compares with what the snapshot holds.
func asJSON[T any](v any) (any, error) {
	t, err := remediate.Recode[T](v)
	if err != nil {
		return nil, err
	}
	return remediate.Recode[any](t)
}

func document(s *string) (any, error) {
	text := aws.ToString(s)
	if text == "" {
		return nil, nil
	}
	if un, err := url.QueryUnescape(text); err == nil {
		text = un
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return nil, fmt.Errorf("parse policy document: %w", err)
	}
	return v, nil
}

func jsonText(v any) (*string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return aws.String(string(b)), nil
}

// notFound reports whether err is AWS's answer for a resource that is not set.
func notFound(err error) bool {
	switch remediate.ErrorCode(err) {
	case "ReplicationConfigurationNotFoundError", "NoSuchBucketPolicy", "OwnershipControlsNotFoundError",
		"ObjectLockConfigurationNotFoundError", "NoSuchEntity":
		return true
	}
	return false
}

// Read returns the state of the resource a writes, as remediate.State does.
func (c *Client) Read(ctx context.Context, a report.Action) (any, error) {
	p, bucket := a.Params, aws.String(str(a.Params, "Bucket"))
	var v any
	var err error
	switch a.Op {
	case "s3:PutBucketVersioning":
		var out *s3.GetBucketVersioningOutput
		if out, err = c.S3(a.Region).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err == nil {
			v, err = asJSON[scanner.Versioning](map[string]any{"Status": string(out.Status), "MFADelete": string(out.MFADelete)})
		}
	case "s3:PutBucketReplication":
		var out *s3.GetBucketReplicationOutput
		if out, err = c.S3(a.Region).GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: bucket}); err == nil {
			v, err = asJSON[*scanner.ReplicationConfiguration](out.ReplicationConfiguration)
		}
	case "s3:PutBucketPolicy":
		var out *s3.GetBucketPolicyOutput
		if out, err = c.S3(a.Region).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket}); err == nil {
			v, err = document(out.Policy)
		}
	case "s3:PutBucketOwnershipControls":
		var out *s3.GetBucketOwnershipControlsOutput
		if out, err = c.S3(a.Region).GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: bucket}); err == nil {
			v, err = asJSON[*scanner.OwnershipControls](out.OwnershipControls)
		}
	case "s3:PutObjectLockConfiguration":
		var out *s3.GetObjectLockConfigurationOutput
		if out, err = c.S3(a.Region).GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket}); err == nil {
			v, err = asJSON[*scanner.ObjectLockConfiguration](out.ObjectLockConfiguration)
		}
	case "iam:CreateRole", "iam:UpdateAssumeRolePolicy":
		var out *iam.GetRoleOutput
		if out, err = c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(str(p, "RoleName"))}); err == nil {
			if a.Op == "iam:CreateRole" {
				v = map[string]any{"RoleName": aws.ToString(out.Role.RoleName)}
			} else {
				v, err = document(out.Role.AssumeRolePolicyDocument)
			}
		}
	case "iam:PutRolePolicy":
		var out *iam.GetRolePolicyOutput
		if out, err = c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(str(p, "RoleName")), PolicyName: aws.String(str(p, "PolicyName"))}); err == nil {
			v, err = document(out.PolicyDocument)
		}
	default:
		return nil, fmt.Errorf("%s: not an operation crrscan writes", a.Op)
	}
	if err != nil {
		if notFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s for %s: %w", a.Target, a.Op, err)
	}
	return v, nil
}

// Write sends a's request.
func (c *Client) Write(ctx context.Context, a report.Action) error {
	if err := c.write(ctx, a); err != nil {
		return fmt.Errorf("%s %s: %w", a.Op, a.Target, err)
	}
	return nil
}

func (c *Client) write(ctx context.Context, a report.Action) error {
	p, bucket := a.Params, aws.String(str(a.Params, "Bucket"))
	switch a.Op {
	case "s3:PutBucketVersioning":
		cfg, err := remediate.Recode[s3types.VersioningConfiguration](p["VersioningConfiguration"])
		if err != nil {
			return err
		}
		_, err = c.S3(a.Region).PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket, VersioningConfiguration: &cfg})
		return err
	case "s3:PutBucketReplication":
		cfg, err := remediate.Recode[s3types.ReplicationConfiguration](p["ReplicationConfiguration"])
		if err != nil {
			return err
		}
		_, err = c.S3(a.Region).PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: bucket, ReplicationConfiguration: &cfg})
		return err
	case "s3:PutBucketPolicy":
		doc, err := jsonText(p["Policy"])
		if err != nil {
			return err
		}
		_, err = c.S3(a.Region).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: doc})
		return err
	case "s3:PutBucketOwnershipControls":
		cfg, err := remediate.Recode[s3types.OwnershipControls](p["OwnershipControls"])
		if err != nil {
			return err
		}
		_, err = c.S3(a.Region).PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: bucket, OwnershipControls: &cfg})
		return err
	case "s3:PutObjectLockConfiguration":
		cfg, err := remediate.Recode[s3types.ObjectLockConfiguration](p["ObjectLockConfiguration"])
		if err != nil {
			return err
		}
		_, err = c.S3(a.Region).PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: bucket, ObjectLockConfiguration: &cfg})
		return err
	case "iam:CreateRole":
		doc, err := jsonText(p["AssumeRolePolicyDocument"])
		if err != nil {
			return err
		}
		in := &iam.CreateRoleInput{RoleName: aws.String(str(p, "RoleName")), AssumeRolePolicyDocument: doc}
		if path := str(p, "Path"); path != "" {
			in.Path = aws.String(path)
		}
		_, err = c.IAM.CreateRole(ctx, in)
		return err
	case "iam:UpdateAssumeRolePolicy":
		doc, err := jsonText(p["PolicyDocument"])
		if err != nil {
			return err
		}
		_, err = c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(str(p, "RoleName")), PolicyDocument: doc})
		return err
	case "iam:PutRolePolicy":
		doc, err := jsonText(p["PolicyDocument"])
		if err != nil {
			return err
		}
		_, err = c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(str(p, "RoleName")), PolicyName: aws.String(str(p, "PolicyName")), PolicyDocument: doc})
		return err
	}
	return fmt.Errorf("not an operation crrscan writes")
}

// Restore puts the resource a wrote back to before (nil: delete it; versioning
// that was never enabled can only be suspended).
func (c *Client) Restore(ctx context.Context, a report.Action, before any) error {
	if r, ok := remediate.RestoreAction(a, before); ok {
		return c.Write(ctx, r)
	}
	p, bucket := a.Params, aws.String(str(a.Params, "Bucket"))
	var err error
	switch a.Op {
	case "s3:PutBucketVersioning":
		_, err = c.S3(a.Region).PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	case "s3:PutBucketReplication":
		_, err = c.S3(a.Region).DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: bucket})
	case "s3:PutBucketPolicy":
		_, err = c.S3(a.Region).DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket})
	case "s3:PutBucketOwnershipControls":
		_, err = c.S3(a.Region).DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: bucket})
	case "iam:CreateRole":
		_, err = c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(str(p, "RoleName"))})
	case "iam:PutRolePolicy":
		_, err = c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(str(p, "RoleName")), PolicyName: aws.String(str(p, "PolicyName"))})
	default:
		err = fmt.Errorf("cannot be undone")
	}
	if err != nil {
		return fmt.Errorf("restore %s (%s): %w", a.Target, a.Op, err)
	}
	return nil
}
