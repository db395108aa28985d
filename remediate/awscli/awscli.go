// Package awscli renders remediation actions as the aws CLI commands a user can run
// by hand, and the JSON documents those commands read (file://NAME), so that the
// commands a report shows say exactly what the actions do.
package awscli

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/crrscan/crrscan/report"
)

// safeArg is what a POSIX shell takes as one word without quoting.
var safeArg = regexp.MustCompile(`^[A-Za-z0-9._:/=@+,-]+$`)

// Arg quotes a value for a POSIX shell unless it is plainly safe, so that a hostile
// name cannot turn a command into another command.
func Arg(s string) string {
	if safeArg.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func regionFlag(region string) string {
	if region == "" {
		return ""
	}
	return " --region " + Arg(region)
}

// operation renders one operation: its command from the action's parameters, and
// which parameter (if any) goes to the action's document file.
type operation struct {
	document string // the parameter passed as file://Document, "" for none
	command  func(p params, a report.Action) string
}

// params reads string parameters; a missing one is "".
type params map[string]any

func (p params) str(k string) string {
	s, _ := p[k].(string)
	return s
}

func file(a report.Action) string { return "file://" + a.Document }

// Operations are the operations Render knows, by name: the write operations a
// remediation can call.
var operations = map[string]operation{
	"s3:PutBucketVersioning": {command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws s3api put-bucket-versioning --bucket %s --versioning-configuration Status=%s%s",
			Arg(p.str("Bucket")), Arg(status(p["VersioningConfiguration"])), regionFlag(a.Region))
	}},
	"s3:PutBucketReplication": {document: "ReplicationConfiguration", command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws s3api put-bucket-replication --bucket %s --replication-configuration %s%s",
			Arg(p.str("Bucket")), file(a), regionFlag(a.Region))
	}},
	"s3:DeleteBucketReplication": {command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws s3api delete-bucket-replication --bucket %s%s", Arg(p.str("Bucket")), regionFlag(a.Region))
	}},
	"s3:PutBucketPolicy": {document: "Policy", command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws s3api put-bucket-policy --bucket %s --policy %s", Arg(p.str("Bucket")), file(a))
	}},
	"s3:PutBucketOwnershipControls": {document: "OwnershipControls", command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws s3api put-bucket-ownership-controls --bucket %s --ownership-controls %s", Arg(p.str("Bucket")), file(a))
	}},
	"s3:PutObjectLockConfiguration": {document: "ObjectLockConfiguration", command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws s3api put-object-lock-configuration --bucket %s --object-lock-configuration %s%s",
			Arg(p.str("Bucket")), file(a), regionFlag(a.Region))
	}},
	"iam:CreateRole": {document: "AssumeRolePolicyDocument", command: func(p params, a report.Action) string {
		path := ""
		if x := p.str("Path"); x != "" && x != "/" {
			path = " --path " + Arg(x)
		}
		return fmt.Sprintf("aws iam create-role --role-name %s%s --assume-role-policy-document %s", Arg(p.str("RoleName")), path, file(a))
	}},
	"iam:UpdateAssumeRolePolicy": {document: "PolicyDocument", command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws iam update-assume-role-policy --role-name %s --policy-document %s", Arg(p.str("RoleName")), file(a))
	}},
	"iam:PutRolePolicy": {document: "PolicyDocument", command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws iam put-role-policy --role-name %s --policy-name %s --policy-document %s",
			Arg(p.str("RoleName")), Arg(p.str("PolicyName")), file(a))
	}},
	"iam:DeleteRolePolicy": {command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws iam delete-role-policy --role-name %s --policy-name %s", Arg(p.str("RoleName")), Arg(p.str("PolicyName")))
	}},
	"iam:DeleteRole": {command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws iam delete-role --role-name %s", Arg(p.str("RoleName")))
	}},
	"iam:DetachRolePolicy": {command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws iam detach-role-policy --role-name %s --policy-arn %s", Arg(p.str("RoleName")), Arg(p.str("PolicyArn")))
	}},
	"iam:CreatePolicyVersion": {document: "PolicyDocument", command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws iam create-policy-version --policy-arn %s --policy-document %s --set-as-default", Arg(p.str("PolicyArn")), file(a))
	}},
	"iam:DeleteRolePermissionsBoundary": {command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws iam delete-role-permissions-boundary --role-name %s", Arg(p.str("RoleName")))
	}},
	"kms:PutKeyPolicy": {document: "Policy", command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws kms put-key-policy --key-id %s --policy-name %s --policy %s%s",
			Arg(p.str("KeyId")), Arg(p.str("PolicyName")), file(a), regionFlag(a.Region))
	}},
	"kms:CreateKey": {command: func(p params, a report.Action) string {
		return fmt.Sprintf("aws kms create-key --description %s%s", Arg(p.str("Description")), regionFlag(a.Region))
	}},
}

func status(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["Status"].(string)
	return s
}

// Operations returns the names of the operations Render knows, sorted.
func Operations() []string {
	out := make([]string, 0, len(operations))
	for op := range operations {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}

// Render returns the command of every action, in order, and the documents they read
// by file name. An unknown operation, an operation with a document but no file name,
// and two different documents under one name are errors.
func Render(actions []report.Action) ([]string, map[string]any, error) {
	cmds := make([]string, 0, len(actions))
	docs := map[string]any{}
	for _, a := range actions {
		op, ok := operations[a.Op]
		if !ok {
			return nil, nil, fmt.Errorf("action %q on %s: unknown operation", a.Op, a.Target)
		}
		if op.document != "" {
			if a.Document == "" || strings.ContainsAny(a.Document, "/\\ \x00") {
				return nil, nil, fmt.Errorf("action %q on %s: document file name %q", a.Op, a.Target, a.Document)
			}
			doc := a.Params[op.document]
			if prev, seen := docs[a.Document]; seen && !sameJSON(prev, doc) {
				return nil, nil, fmt.Errorf("action %q on %s: two documents named %s", a.Op, a.Target, a.Document)
			}
			docs[a.Document] = doc
		}
		cmds = append(cmds, op.command(a.Params, a))
	}
	return cmds, docs, nil
}
