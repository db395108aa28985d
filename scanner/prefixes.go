package scanner

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// rulePrefixes returns the distinct non-empty key prefixes of cfg's rules (enabled
// or not), sorted. A rule's prefix is where lib/filters.rego's prefix_field finds
// it: the Prefix of a V1 rule (no Filter), else Filter.Prefix, else
// Filter.And.Prefix.
func rulePrefixes(cfg *ReplicationConfiguration) []string {
	if cfg == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range cfg.Rules {
		p := rulePrefix(r)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// rulePrefix is the key prefix a rule selects by ("" when none).
func rulePrefix(r ReplicationRule) string {
	switch f := r.Filter; {
	case f == nil:
		return aws.ToString(r.Prefix)
	case f.Prefix != nil:
		return *f.Prefix
	case f.And != nil:
		return aws.ToString(f.And.Prefix)
	}
	return ""
}

// readPrefixes records in b.PrefixHasObjects, for each distinct non-empty prefix
// of b's rules, whether an object's key starts with it: one ListObjectsV2 with
// that Prefix and MaxKeys 1 per prefix (CRR-017's "matches nothing"). A failed
// listing is a CollectionError (ComponentObjects) and ends the listing: that
// prefix and the ones after it stay out of the map, unknown (after the retries a
// failure is most often a missing permission, which the next prefix would meet
// too, and one error per bucket keeps CRR-090's findings apart). Every failure
// counts, NoSuchBucket and AccessDenied included: the bucket is a scanned one and
// listing has no "not configured" answer.
func (col *collector) readPrefixes(ctx context.Context, c S3API, b *Bucket) {
	for _, p := range rulePrefixes(b.ReplicationConfiguration) {
		if ctx.Err() != nil {
			return
		}
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
			Bucket: aws.String(b.Name), Prefix: aws.String(p), MaxKeys: aws.Int32(1),
		})
		if err != nil {
			ce := col.failed("ListObjectsV2", b.Arn, ComponentObjects, err)
			ce.Message = fmt.Sprintf("prefix %q: %s", p, ce.Message)
			b.Errors = append(b.Errors, ce)
			return
		}
		if b.PrefixHasObjects == nil {
			b.PrefixHasObjects = map[string]bool{}
		}
		b.PrefixHasObjects[p] = aws.ToInt32(out.KeyCount) > 0 || len(out.Contents) > 0
	}
}
