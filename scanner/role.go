package scanner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// managedResult is a managed policy read once per scan, with the reads that failed.
type managedResult struct {
	policy ManagedPolicy
	errs   []CollectionError
}

// readRole reads a role of scanned account a with a's credentials: its trust
// policy, its inline and attached policies and its permissions boundary, every
// document URL-decoded and parsed. A role that does not exist is a value (Exists
// false), not an error.
func (col *collector) readRole(ctx context.Context, a *scanAccount, arn, name string) Role {
	r := Role{Arn: arn, RoleName: name, AccountID: a.id}
	c := a.clients.IAM()
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		if errorCode(err) == codeNoSuchEntity {
			r.Exists = aws.Bool(false)
			return r
		}
		r.Errors = append(r.Errors, col.failed("GetRole", arn, ComponentRole, err))
		return r
	}
	r.Exists = aws.Bool(true)
	if got.Role == nil {
		return r
	}
	if doc, err := decodePolicyDocument(got.Role.AssumeRolePolicyDocument); err != nil {
		r.Errors = append(r.Errors, malformed("GetRole", arn, "trust policy", err))
	} else {
		r.AssumeRolePolicyDocument = doc
	}

	inline, errs := col.inlinePolicies(ctx, c, arn, name)
	r.RolePolicies = inline
	r.Errors = append(r.Errors, errs...)

	attached, errs := col.attachedPolicies(ctx, c, arn, name)
	r.AttachedPolicies = attached
	r.Errors = append(r.Errors, errs...)

	if pb := got.Role.PermissionsBoundary; pb != nil && aws.ToString(pb.PermissionsBoundaryArn) != "" {
		res := col.managedPolicy(ctx, c, aws.ToString(pb.PermissionsBoundaryArn))
		boundary := res.policy
		r.PermissionsBoundary = &boundary
		r.Errors = append(r.Errors, res.errs...)
	}
	return r
}

// inlinePolicies lists a role's inline policies and reads each, sorted by name.
func (col *collector) inlinePolicies(ctx context.Context, c IAMAPI, arn, name string) ([]InlinePolicy, []CollectionError) {
	var names []string
	var errs []CollectionError
	pager := iam.NewListRolePoliciesPaginator(c, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			errs = append(errs, col.failed("ListRolePolicies", arn, ComponentRole, err))
			break
		}
		names = append(names, page.PolicyNames...)
	}
	sort.Strings(names)
	var out []InlinePolicy
	for _, pn := range names {
		got, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn)})
		if err != nil {
			ce := col.failed("GetRolePolicy", arn, ComponentRole, err)
			// An inline policy has no ARN of its own: name it in the message.
			ce.Message = fmt.Sprintf("inline policy %q: %s", pn, ce.Message)
			errs = append(errs, ce)
			continue
		}
		doc, err := decodePolicyDocument(got.PolicyDocument)
		if err != nil {
			errs = append(errs, malformed("GetRolePolicy", arn, fmt.Sprintf("inline policy %q", pn), err))
			continue
		}
		out = append(out, InlinePolicy{PolicyName: pn, PolicyDocument: doc})
	}
	return out, errs
}

// attachedPolicies lists a role's managed policies and reads each at its default
// version, sorted by ARN. Managed policies are read once per scan.
func (col *collector) attachedPolicies(ctx context.Context, c IAMAPI, arn, name string) ([]ManagedPolicy, []CollectionError) {
	var arns []string
	var errs []CollectionError
	pager := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			errs = append(errs, col.failed("ListAttachedRolePolicies", arn, ComponentRole, err))
			break
		}
		for _, p := range page.AttachedPolicies {
			if a := aws.ToString(p.PolicyArn); a != "" {
				arns = append(arns, a)
			}
		}
	}
	sort.Strings(arns)
	var out []ManagedPolicy
	for _, pa := range arns {
		res := col.managedPolicy(ctx, c, pa)
		out = append(out, res.policy)
		errs = append(errs, res.errs...)
	}
	return out, errs
}

// managedPolicy reads a managed policy's default version with c, the IAM client
// of the role's account, once per scan.
func (col *collector) managedPolicy(ctx context.Context, c IAMAPI, arn string) managedResult {
	return col.policies.get(arn, func() managedResult {
		res := managedResult{policy: ManagedPolicy{PolicyArn: arn}}
		got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil {
			res.errs = append(res.errs, col.failed("GetPolicy", arn, ComponentRole, err))
			return res
		}
		if got.Policy != nil {
			res.policy.PolicyName = aws.ToString(got.Policy.PolicyName)
			res.policy.DefaultVersionID = aws.ToString(got.Policy.DefaultVersionId)
		}
		if res.policy.DefaultVersionID == "" {
			res.errs = append(res.errs, CollectionError{
				Operation: "GetPolicy", Code: codeMalformedPolicy, Resource: arn, Component: ComponentRole,
				Message: "the policy has no default version",
			})
			return res
		}
		ver, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{
			PolicyArn: aws.String(arn), VersionId: aws.String(res.policy.DefaultVersionID),
		})
		if err != nil {
			res.errs = append(res.errs, col.failed("GetPolicyVersion", arn, ComponentRole, err))
			return res
		}
		if ver.PolicyVersion == nil {
			return res
		}
		doc, err := decodePolicyDocument(ver.PolicyVersion.Document)
		if err != nil {
			res.errs = append(res.errs, malformed("GetPolicyVersion", arn, "policy version "+res.policy.DefaultVersionID, err))
			return res
		}
		res.policy.Document = doc
		return res
	})
}

// decodePolicyDocument decodes an IAM policy document: IAM returns them
// URL-encoded (RFC 3986) and the SDK does not decode them. An absent document is nil.
func decodePolicyDocument(s *string) (any, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	text, err := url.QueryUnescape(*s)
	if err != nil {
		return nil, fmt.Errorf("url-decode: %w", err)
	}
	var doc any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("parse json: %w", err)
	}
	return doc, nil
}

// malformed records a document that was read but could not be decoded.
func malformed(op, resource, what string, err error) CollectionError {
	return CollectionError{
		Operation: op, Code: codeMalformedPolicy, Resource: resource, Component: ComponentRole,
		Message: fmt.Sprintf("%s: %v", what, err),
	}
}
