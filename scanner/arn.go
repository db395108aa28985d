package scanner

import "strings"

// arnParts splits an ARN into partition, service, region, account and resource.
func arnParts(arn string) (partition, service, region, account, resource string, ok bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" || p[2] == "" {
		return "", "", "", "", "", false
	}
	return p[1], p[2], p[3], p[4], p[5], true
}

// partitionOf returns the partition of an ARN ("aws", "aws-cn", ...), or "aws".
func partitionOf(arn string) string {
	if p, _, _, _, _, ok := arnParts(arn); ok {
		return p
	}
	return "aws"
}

// bucketArn returns the ARN of a general purpose bucket.
func bucketArn(partition, name string) string {
	return "arn:" + partition + ":s3:::" + name
}

// bucketNameOf returns the bucket name of a bucket ARN (arn:aws:s3:::name).
func bucketNameOf(arn string) (string, bool) {
	_, svc, region, account, res, ok := arnParts(arn)
	if !ok || svc != "s3" || region != "" || account != "" || res == "" || strings.Contains(res, "/") {
		return "", false
	}
	return res, true
}

// roleOf returns the account and the role name (the last path segment) of an IAM
// role ARN (arn:aws:iam::111122223333:role/path/name).
func roleOf(arn string) (account, name string, ok bool) {
	_, svc, _, acct, res, ok := arnParts(arn)
	if !ok || svc != "iam" || acct == "" || !strings.HasPrefix(res, "role/") {
		return "", "", false
	}
	name = res[strings.LastIndex(res, "/")+1:]
	if name == "" {
		return "", "", false
	}
	return acct, name, true
}
