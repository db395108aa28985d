package scanner

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// maxManifestBytes bounds the manifest.json read (a manifest lists file keys only).
const maxManifestBytes = 8 << 20

// deliveryFolder matches the dated folder of one inventory delivery
// (destination-prefix/source-bucket/config-ID/YYYY-MM-DDTHH-MMZ/).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
var deliveryFolder = regexp.MustCompile(`/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z/$`)

// inventoryManifest is the part of manifest.json that counting needs.
type inventoryManifest struct {
	SourceBucket      string `json:"sourceBucket"`
	DestinationBucket string `json:"destinationBucket"`
	FileFormat        string `json:"fileFormat"`
	FileSchema        string `json:"fileSchema"`
	CreationTimestamp string `json:"creationTimestamp"`
	Files             []struct {
		Key string `json:"key"`
	} `json:"files"`
}

// inventoryColumns are the positions of the columns counting reads (-1: absent).
type inventoryColumns struct {
	n                                         int
	key, version, deleteMarker, modified, rep int
}

// parseSchema reads the manifest's fileSchema ("Bucket, Key, VersionId, ...").
func parseSchema(schema string) (inventoryColumns, error) {
	c := inventoryColumns{key: -1, version: -1, deleteMarker: -1, modified: -1, rep: -1}
	fields := strings.Split(schema, ",")
	c.n = len(fields)
	for i, f := range fields {
		switch strings.TrimSpace(f) {
		case "Key":
			c.key = i
		case "VersionId":
			c.version = i
		case "IsDeleteMarker":
			c.deleteMarker = i
		case "LastModifiedDate":
			c.modified = i
		case "ReplicationStatus":
			c.rep = i
		}
	}
	if c.key < 0 || c.rep < 0 {
		return c, fmt.Errorf("fileSchema %q lacks Key or ReplicationStatus", schema)
	}
	return c, nil
}

// countInventoryCSV counts the rows of one gzip-compressed CSV inventory file into
// t, streaming (one record buffer, reused). It returns the rows counted.
func countInventoryCSV(r io.Reader, cols inventoryColumns, t *tally) (int, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return 0, fmt.Errorf("gunzip: %w", err)
	}
	defer zr.Close()
	cr := csv.NewReader(zr)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = cols.n
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, fmt.Errorf("csv: %w", err)
		}
		if cols.deleteMarker >= 0 && rec[cols.deleteMarker] == "true" {
			continue
		}
		// Inventory CSV files URL-encode object keys.
		key, err := url.QueryUnescape(rec[cols.key])
		if err != nil {
			key = rec[cols.key]
		}
		var version string
		if cols.version >= 0 {
			version = rec[cols.version]
		}
		var modified *time.Time
		if cols.modified >= 0 {
			if ts, err := time.Parse(time.RFC3339, rec[cols.modified]); err == nil {
				modified = &ts
			}
		}
		rows++
		t.add(key, version, rec[cols.rep], modified)
	}
}

// inventory counts b's latest S3 Inventory report into t. It returns the
// inventory's evidence (nil: no configuration delivers ReplicationStatus), the
// rows counted, and whether the count is complete.
func (v *verifyRun) inventory(ctx context.Context, c ObjectsAPI, b *Bucket, t *tally, cnt *counter) (*InventoryEvidence, int, bool) {
	cfg, ok := v.inventoryConfig(ctx, c, b, cnt)
	if !ok || cfg == nil {
		return nil, 0, false
	}
	dst := cfg.Destination.S3BucketDestination
	ev := &InventoryEvidence{
		ConfigurationID: aws.ToString(cfg.Id), Bucket: aws.ToString(dst.Bucket),
		Format: string(dst.Format), Frequency: string(cfg.Schedule.Frequency),
	}
	if dst.Format != types.InventoryFormatCsv {
		ev.Unsupported = fmt.Sprintf("inventory %q is delivered as %s; crrscan reads CSV inventories only, so the bucket was sampled instead", ev.ConfigurationID, dst.Format)
		return ev, 0, false
	}
	bucket := destinationName(ev.Bucket)
	base := b.Name + "/" + ev.ConfigurationID + "/"
	if p := strings.TrimSuffix(aws.ToString(dst.Prefix), "/"); p != "" {
		base = p + "/" + base
	}
	manifestKey, ok := v.latestDelivery(ctx, c, b, bucket, base, cnt)
	if !ok {
		return ev, 0, false
	}
	if manifestKey == "" {
		ev.Unsupported = fmt.Sprintf("inventory %q has delivered no report under s3://%s/%s yet; the bucket was sampled instead", ev.ConfigurationID, bucket, base)
		return ev, 0, false
	}
	ev.ManifestKey = manifestKey
	m, ok := v.readManifest(ctx, c, b, bucket, manifestKey, ev, cnt)
	if !ok {
		return ev, 0, false
	}
	if ms, err := strconv.ParseInt(m.CreationTimestamp, 10, 64); err == nil {
		created := time.UnixMilli(ms).UTC()
		ev.CreatedAt = &created
		age := v.now.Sub(created)
		ev.AgeHours = float64(int(age.Hours()*10)) / 10
		period := 24 * time.Hour
		if cfg.Schedule.Frequency == types.InventoryFrequencyWeekly {
			period = 7 * 24 * time.Hour
		}
		ev.Stale = age > 2*period
	}
	cols, err := parseSchema(m.FileSchema)
	if err != nil {
		ev.Unsupported = fmt.Sprintf("manifest s3://%s/%s: %v; the bucket was sampled instead", bucket, manifestKey, err)
		return ev, 0, false
	}
	rows := 0
	for _, f := range m.Files {
		cnt.add("GetObject")
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(f.Key)})
		if err != nil {
			v.fail(b, "GetObject", "arn:aws:s3:::"+bucket+"/"+f.Key, err)
			return ev, rows, false
		}
		n, err := countInventoryCSV(out.Body, cols, t)
		out.Body.Close()
		rows += n
		if err != nil {
			ev.Unsupported = fmt.Sprintf("inventory file s3://%s/%s: %v; the bucket was sampled instead", bucket, f.Key, err)
			return ev, rows, false
		}
	}
	return ev, rows, true
}

// inventoryConfig returns the enabled inventory configuration of b that
// delivers ReplicationStatus to a bucket (CSV preferred), nil when there is none.
func (v *verifyRun) inventoryConfig(ctx context.Context, c ObjectsAPI, b *Bucket, cnt *counter) (*types.InventoryConfiguration, bool) {
	var best *types.InventoryConfiguration
	in := &s3.ListBucketInventoryConfigurationsInput{Bucket: aws.String(b.Name)}
	for {
		cnt.add("ListBucketInventoryConfigurations")
		out, err := c.ListBucketInventoryConfigurations(ctx, in)
		if err != nil {
			v.fail(b, "ListBucketInventoryConfigurations", b.Arn, err)
			return nil, false
		}
		for i := range out.InventoryConfigurationList {
			ic := &out.InventoryConfigurationList[i]
			if !aws.ToBool(ic.IsEnabled) || ic.Destination == nil || ic.Destination.S3BucketDestination == nil ||
				!slices.Contains(ic.OptionalFields, types.InventoryOptionalFieldReplicationStatus) {
				continue
			}
			if ic.Schedule == nil {
				ic.Schedule = &types.InventorySchedule{}
			}
			if best == nil || (best.Destination.S3BucketDestination.Format != types.InventoryFormatCsv &&
				ic.Destination.S3BucketDestination.Format == types.InventoryFormatCsv) {
				best = ic
			}
		}
		if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			return best, true
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}

// latestDelivery returns the key of the newest manifest.json under base ("" when
// none was delivered): the greatest dated folder (the names sort by time).
func (v *verifyRun) latestDelivery(ctx context.Context, c ObjectsAPI, b *Bucket, bucket, base string, cnt *counter) (string, bool) {
	latest := ""
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(base), Delimiter: aws.String("/")}
	for {
		cnt.add("ListObjectsV2")
		out, err := c.ListObjectsV2(ctx, in)
		if err != nil {
			v.fail(b, "ListObjectsV2", "arn:aws:s3:::"+bucket, err)
			return "", false
		}
		for _, cp := range out.CommonPrefixes {
			if p := aws.ToString(cp.Prefix); deliveryFolder.MatchString(p) && p > latest {
				latest = p
			}
		}
		if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			break
		}
		in.ContinuationToken = out.NextContinuationToken
	}
	if latest == "" {
		return "", true
	}
	return latest + "manifest.json", true
}

// readManifest reads and decodes a manifest.json.
func (v *verifyRun) readManifest(ctx context.Context, c ObjectsAPI, b *Bucket, bucket, key string, ev *InventoryEvidence, cnt *counter) (*inventoryManifest, bool) {
	cnt.add("GetObject")
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		v.fail(b, "GetObject", "arn:aws:s3:::"+bucket+"/"+key, err)
		return nil, false
	}
	defer out.Body.Close()
	var m inventoryManifest
	if err := json.NewDecoder(io.LimitReader(out.Body, maxManifestBytes)).Decode(&m); err != nil {
		ev.Unsupported = fmt.Sprintf("manifest s3://%s/%s is not valid JSON (%v); the bucket was sampled instead", bucket, key, err)
		return nil, false
	}
	if !strings.EqualFold(m.FileFormat, "CSV") {
		ev.Unsupported = fmt.Sprintf("manifest s3://%s/%s lists %s files; crrscan reads CSV inventories only, so the bucket was sampled instead", bucket, key, m.FileFormat)
		return nil, false
	}
	return &m, true
}
