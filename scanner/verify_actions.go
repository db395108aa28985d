package scanner

import (
	"fmt"
	"sort"
)

// Verification modes, as VerifyActions names them.
const (
	ModeObjects = "objects"
	ModeMetrics = "metrics"
	ModeCanary  = "canary"
)

// verifyOperationActions maps, per verification mode, every SDK operation the
// mode calls to the IAM actions that authorise it. A test keeps each mode equal
// to the methods of its interface (ObjectsAPI, CloudWatchAPI, CanaryAPI), and the
// README's policy of each mode equal to VerifyActions.
func verifyOperationActions() map[string]map[string][]string {
	return map[string]map[string][]string{
		ModeObjects: {
			"ListBucketInventoryConfigurations": {"s3:GetInventoryConfiguration"},
			// The inventory's dated folders in its destination bucket.
			"ListObjectsV2": {"s3:ListBucket"},
			// manifest.json and the inventory's CSV files only, never data objects.
			"GetObject":          {"s3:GetObject"},
			"ListObjectVersions": {"s3:ListBucketVersions"},
			// HeadObject names a version: s3:GetObjectVersion (s3:GetObject without one).
			"HeadObject": {"s3:GetObject", "s3:GetObjectVersion"},
		},
		ModeMetrics: {
			"GetMetricData": {"cloudwatch:GetMetricData"},
		},
		ModeCanary: {
			// The canary is tagged (x-amz-tagging): s3:PutObjectTagging as well.
			"PutObject": {"s3:PutObject", "s3:PutObjectTagging"},
			// The replica by key (s3:GetObject), the source version's status by version.
			"HeadObject": {"s3:GetObject", "s3:GetObjectVersion"},
			// Each canary version by its id, never the key (no delete marker).
			"DeleteObject": {"s3:DeleteObjectVersion"},
		},
	}
}

// VerifyActions returns, sorted, the IAM actions a verification mode (ModeObjects,
// ModeMetrics, ModeCanary) needs besides ReadActions.
func VerifyActions(mode string) ([]string, error) {
	ops, ok := verifyOperationActions()[mode]
	if !ok {
		return nil, fmt.Errorf("unknown verification mode %q (objects, metrics, canary)", mode)
	}
	seen := map[string]bool{}
	var out []string
	for _, as := range ops {
		for _, a := range as {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
