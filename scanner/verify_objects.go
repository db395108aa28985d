package scanner

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// objects reads the object evidence of b: from its latest S3 Inventory report when
// an enabled configuration delivers ReplicationStatus in CSV, else from a sample.
func (v *verifyRun) objects(ctx context.Context, c ObjectsAPI, b *Bucket, cnt *counter) *ObjectEvidence {
	ev := &ObjectEvidence{ObservedAt: v.now}
	t := newTally(b.ReplicationConfiguration, v.opts, v.now)
	inv, rows, ok := v.inventory(ctx, c, b, t, cnt)
	ev.Inventory = inv
	if ok {
		ev.Source = "inventory"
		ev.Listed = rows
		ev.Rules = t.result()
		return ev
	}
	// A partly counted inventory must not mix with the sample.
	t = newTally(b.ReplicationConfiguration, v.opts, v.now)
	ev.Source = "sample"
	v.sample(ctx, c, b, t, ev, cnt)
	ev.Rules = t.result()
	return ev
}

// listedVersion is one object version a listing returned.
type listedVersion struct {
	key, versionID string
	lastModified   *time.Time
}

// samplePrefixes are the prefixes to list: the enabled rules' distinct prefixes
// without those another one covers ("" alone when a rule covers the whole bucket).
func samplePrefixes(cfg *ReplicationConfiguration) []string {
	var ps []string
	for _, r := range enabledRules(cfg) {
		ps = append(ps, rulePrefix(r.ReplicationRule))
	}
	sort.Strings(ps)
	var out []string
	for _, p := range ps {
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// sample lists at most opts.Sample versions across the rule prefixes
// (ListObjectVersions) and reads the replication status of at most opts.Heads
// of them (HeadObject), the newest and the oldest first. The first failed call
// ends the sampling (one CollectionError; after the retries a failure is most
// often a missing permission, which the next call would meet too).
func (v *verifyRun) sample(ctx context.Context, c ObjectsAPI, b *Bucket, t *tally, ev *ObjectEvidence, cnt *counter) {
	prefixes := samplePrefixes(b.ReplicationConfiguration)
	if len(prefixes) == 0 {
		return
	}
	per := max(1, v.opts.sample()/len(prefixes))
	var versions []listedVersion
	for _, p := range prefixes {
		got, truncated, ok := v.listVersions(ctx, c, b, p, per, cnt)
		versions = append(versions, got...)
		ev.Truncated = ev.Truncated || truncated
		if !ok {
			return
		}
	}
	ev.Listed = len(versions)
	for _, lv := range pickHeads(versions, v.opts.heads()) {
		cnt.add("HeadObject")
		out, err := c.HeadObject(ctx, &s3.HeadObjectInput{
			Bucket: aws.String(b.Name), Key: aws.String(lv.key), VersionId: versionParam(lv.versionID),
		})
		if err != nil {
			switch httpStatus(err) {
			case http.StatusNotFound:
				// Deleted since it was listed.
				continue
			case http.StatusBadRequest:
				// S3 answers HeadObject on an SSE-C object without its customer key
				// with 400: the version's status cannot be read, which is no failure
				// of the scan.
				ev.Unreadable++
				continue
			}
			v.fail(b, "HeadObject", b.Arn+"/"+lv.key, err)
			return
		}
		ev.Headed++
		t.add(lv.key, lv.versionID, string(out.ReplicationStatus), lv.lastModified)
	}
}

// versionParam is the VersionId parameter, none when the listing gave no id.
func versionParam(id string) *string {
	if id == "" {
		return nil
	}
	return aws.String(id)
}

// listVersions lists up to limit versions (delete markers left out) under prefix.
func (v *verifyRun) listVersions(ctx context.Context, c ObjectsAPI, b *Bucket, prefix string, limit int, cnt *counter) ([]listedVersion, bool, bool) {
	var out []listedVersion
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(b.Name)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	for {
		in.MaxKeys = aws.Int32(int32(min(1000, limit-len(out))))
		cnt.add("ListObjectVersions")
		page, err := c.ListObjectVersions(ctx, in)
		if err != nil {
			v.fail(b, "ListObjectVersions", b.Arn, err)
			return out, false, false
		}
		for _, ov := range page.Versions {
			if len(out) == limit {
				break
			}
			out = append(out, listedVersion{key: aws.ToString(ov.Key), versionID: aws.ToString(ov.VersionId), lastModified: ov.LastModified})
		}
		more := aws.ToBool(page.IsTruncated)
		if !more {
			return out, false, true
		}
		if len(out) >= limit {
			return out, true, true
		}
		in.KeyMarker, in.VersionIdMarker = page.NextKeyMarker, page.NextVersionIdMarker
	}
}

// pickHeads chooses at most n versions: half the newest, the rest the oldest.
func pickHeads(vs []listedVersion, n int) []listedVersion {
	sorted := append([]listedVersion(nil), vs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].lastModified, sorted[j].lastModified
		switch {
		case a == nil || b == nil:
			return a != nil
		case !a.Equal(*b):
			return a.After(*b)
		case sorted[i].key != sorted[j].key:
			return sorted[i].key < sorted[j].key
		}
		return sorted[i].versionID < sorted[j].versionID
	})
	if len(sorted) <= n {
		return sorted
	}
	newest := (n + 1) / 2
	return append(sorted[:newest:newest], sorted[len(sorted)-(n-newest):]...)
}
