package fakeaws

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestS3ReadsConfiguredBucket(t *testing.T) {
	s := start(t, testEstate(), Options{})
	c := s3For(s, acctA, "eu-west-1")
	ctx := context.Background()
	b := aws.String("src-a")

	repl, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
	must(t, "GetBucketReplication", err)
	cfg := repl.ReplicationConfiguration
	if aws.ToString(cfg.Role) != "arn:aws:iam::111111111111:role/service-role/repl" || len(cfg.Rules) != 2 {
		t.Fatalf("replication = %+v", cfg)
	}
	r := cfg.Rules[0]
	d := r.Destination
	if aws.ToString(r.ID) != "to-dr" || aws.ToInt32(r.Priority) != 1 || r.Status != s3types.ReplicationRuleStatusEnabled ||
		r.Filter == nil || r.Filter.And == nil || aws.ToString(r.Filter.And.Prefix) != "logs/" || len(r.Filter.And.Tags) != 2 ||
		r.DeleteMarkerReplication.Status != "Enabled" ||
		r.SourceSelectionCriteria.SseKmsEncryptedObjects.Status != "Enabled" ||
		aws.ToString(d.Bucket) != "arn:aws:s3:::dst-b" || aws.ToString(d.Account) != acctB || d.StorageClass != "STANDARD_IA" ||
		d.AccessControlTranslation.Owner != "Destination" ||
		aws.ToString(d.EncryptionConfiguration.ReplicaKmsKeyID) != "arn:aws:kms:us-east-1:222222222222:key/bbbbbbbb-0000-4000-8000-000000000001" ||
		d.ReplicationTime.Status != "Enabled" || aws.ToInt32(d.ReplicationTime.Time.Minutes) != 15 ||
		d.Metrics.Status != "Enabled" || aws.ToInt32(d.Metrics.EventThreshold.Minutes) != 15 {
		t.Errorf("V2 rule = %+v, destination %+v", r, d)
	}
	v1 := cfg.Rules[1]
	if v1.Filter != nil || aws.ToString(v1.Prefix) != "old/" || v1.Priority != nil || v1.Status != "Disabled" {
		t.Errorf("V1 rule = %+v", v1)
	}

	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	must(t, "GetBucketVersioning", err)
	if ver.Status != "Enabled" || ver.MFADelete != "Disabled" {
		t.Errorf("versioning = %q/%q", ver.Status, ver.MFADelete)
	}
	tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	must(t, "GetBucketTagging", err)
	if len(tags.TagSet) != 2 || aws.ToString(tags.TagSet[1].Key) != "team" || aws.ToString(tags.TagSet[1].Value) != "storage" {
		t.Errorf("tags = %+v", tags.TagSet)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	must(t, "GetBucketEncryption", err)
	er := enc.ServerSideEncryptionConfiguration.Rules
	if len(er) != 1 || er[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != "aws:kms" ||
		aws.ToString(er[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" ||
		!aws.ToBool(er[0].BucketKeyEnabled) {
		t.Errorf("encryption = %+v", er)
	}
	lock, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
	must(t, "GetObjectLockConfiguration", err)
	if ol := lock.ObjectLockConfiguration; ol.ObjectLockEnabled != "Enabled" || ol.Rule.DefaultRetention.Mode != "GOVERNANCE" || aws.ToInt32(ol.Rule.DefaultRetention.Days) != 30 {
		t.Errorf("object lock = %+v", ol)
	}
	own, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	must(t, "GetBucketOwnershipControls", err)
	if rules := own.OwnershipControls.Rules; len(rules) != 1 || rules[0].ObjectOwnership != "BucketOwnerEnforced" {
		t.Errorf("ownership = %+v", rules)
	}
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	must(t, "GetPublicAccessBlock", err)
	if p := pab.PublicAccessBlockConfiguration; !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.IgnorePublicAcls) ||
		p.BlockPublicPolicy == nil || *p.BlockPublicPolicy || !aws.ToBool(p.RestrictPublicBuckets) {
		t.Errorf("public access block = %+v", p)
	}
	lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	must(t, "GetBucketLifecycleConfiguration", err)
	if len(lc.Rules) != 1 || aws.ToString(lc.Rules[0].ID) != "glacier" || len(lc.Rules[0].Transitions) != 1 ||
		lc.Rules[0].Transitions[0].StorageClass != "GLACIER" || aws.ToInt32(lc.Rules[0].Expiration.Days) != 365 {
		t.Errorf("lifecycle = %+v", lc.Rules)
	}
	pay, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})
	must(t, "GetBucketRequestPayment", err)
	if pay.Payer != "BucketOwner" {
		t.Errorf("payer = %q", pay.Payer)
	}
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	must(t, "GetBucketPolicy", err)
	var doc map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil || doc["Version"] != "2012-10-17" {
		t.Errorf("policy = %q (%v)", aws.ToString(pol.Policy), err)
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b})
	must(t, "GetBucketLocation", err)
	if loc.LocationConstraint != "eu-west-1" {
		t.Errorf("location = %q", loc.LocationConstraint)
	}
	head, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b})
	must(t, "HeadBucket", err)
	if aws.ToString(head.BucketRegion) != "eu-west-1" {
		t.Errorf("HeadBucket region = %q", aws.ToString(head.BucketRegion))
	}
}

func TestS3NotConfigured(t *testing.T) {
	s := start(t, testEstate(), Options{})
	c := s3For(s, acctA, "us-east-1")
	ctx := context.Background()
	b := aws.String("bare-a")
	for _, tc := range []struct {
		op   string
		call func() error
		code string
	}{
		{"GetBucketReplication", func() error {
			_, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
			return err
		}, "ReplicationConfigurationNotFoundError"},
		{"GetBucketTagging", func() error { _, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b}); return err }, "NoSuchTagSet"},
		{"GetBucketEncryption", func() error {
			_, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
			return err
		}, "ServerSideEncryptionConfigurationNotFoundError"},
		{"GetObjectLockConfiguration", func() error {
			_, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
			return err
		}, "ObjectLockConfigurationNotFoundError"},
		{"GetBucketOwnershipControls", func() error {
			_, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
			return err
		}, "OwnershipControlsNotFoundError"},
		{"GetPublicAccessBlock", func() error {
			_, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
			return err
		}, "NoSuchPublicAccessBlockConfiguration"},
		{"GetBucketLifecycleConfiguration", func() error {
			_, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
			return err
		}, "NoSuchLifecycleConfiguration"},
		{"GetBucketPolicy", func() error { _, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}); return err }, "NoSuchBucketPolicy"},
	} {
		t.Run(tc.op, func(t *testing.T) {
			err := tc.call()
			wantCode(t, tc.op, err, tc.code)
			if status(err) != 404 {
				t.Errorf("status %d, want 404", status(err))
			}
		})
	}

	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	must(t, "GetBucketVersioning", err)
	if ver.Status != "" || ver.MFADelete != "" {
		t.Errorf("never-versioned bucket: %q/%q", ver.Status, ver.MFADelete)
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b})
	must(t, "GetBucketLocation", err)
	if loc.LocationConstraint != "" {
		t.Errorf("us-east-1 location = %q, want empty", loc.LocationConstraint)
	}
	pay, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})
	must(t, "GetBucketRequestPayment", err)
	if pay.Payer != "BucketOwner" {
		t.Errorf("payer = %q", pay.Payer)
	}

	dst := s3For(s, acctB, "us-east-1")
	pay, err = dst.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: aws.String("dst-b")})
	must(t, "GetBucketRequestPayment dst-b", err)
	if pay.Payer != "Requester" {
		t.Errorf("Requester Pays bucket: payer = %q", pay.Payer)
	}
}

func TestS3AccountsRegionsAndMissingBuckets(t *testing.T) {
	s := start(t, testEstate(), Options{})
	ctx := context.Background()
	asA := s3For(s, acctA, "us-east-1")

	// Another account's bucket: HeadBucket says 403 with the region; reads are denied.
	_, err := asA.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("dst-b")})
	if status(err) != 403 || header(err, "X-Amz-Bucket-Region") != "us-east-1" {
		t.Errorf("cross-account HeadBucket: status %d region %q (%v)", status(err), header(err, "X-Amz-Bucket-Region"), err)
	}
	_, err = asA.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("dst-b")})
	wantCode(t, "cross-account GetBucketVersioning", err, "AccessDenied")
	_, err = asA.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("dst-b")})
	wantCode(t, "cross-account GetBucketLocation", err, "AccessDenied")

	// Own bucket in another region: HeadBucket 301 with the region; reads redirect;
	// GetBucketLocation answers from any region.
	_, err = asA.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("src-a")})
	if status(err) != 301 || header(err, "X-Amz-Bucket-Region") != "eu-west-1" {
		t.Errorf("wrong-region HeadBucket: status %d region %q (%v)", status(err), header(err, "X-Amz-Bucket-Region"), err)
	}
	_, err = asA.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("src-a")})
	wantCode(t, "wrong-region GetBucketReplication", err, "PermanentRedirect")
	if header(err, "X-Amz-Bucket-Region") != "eu-west-1" {
		t.Errorf("PermanentRedirect without x-amz-bucket-region")
	}
	loc, err := asA.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("src-a")})
	must(t, "GetBucketLocation from us-east-1", err)
	if loc.LocationConstraint != "eu-west-1" {
		t.Errorf("location = %q", loc.LocationConstraint)
	}

	// Missing bucket.
	_, err = asA.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("nope")})
	var nf *s3types.NotFound
	if !errorsAs(err, &nf) {
		t.Errorf("HeadBucket of a missing bucket: %v, want *types.NotFound", err)
	}
	_, err = asA.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("nope")})
	wantCode(t, "GetBucketVersioning of a missing bucket", err, "NoSuchBucket")

	// Unknown credentials and a suspended account.
	bad := s3.NewFromConfig(cfgWithKey(s, "AKIAEXAMPLE", "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })
	_, err = bad.ListBuckets(ctx, &s3.ListBucketsInput{})
	wantCode(t, "ListBuckets with an unknown key", err, "InvalidAccessKeyId")
	_, err = s3For(s, acctC, "us-east-1").ListBuckets(ctx, &s3.ListBucketsInput{})
	wantCode(t, "ListBuckets as a suspended account", err, "InvalidAccessKeyId")
}

func TestListBuckets(t *testing.T) {
	s := start(t, testEstate(), Options{})
	ctx := context.Background()
	c := s3For(s, acctA, "us-east-1")

	var names, regions []string
	pages := 0
	p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, "ListBuckets page", err)
		pages++
		for _, b := range page.Buckets {
			names = append(names, aws.ToString(b.Name))
			regions = append(regions, aws.ToString(b.BucketRegion))
			if b.CreationDate == nil || !b.CreationDate.Equal(created) {
				t.Errorf("%s created %v", aws.ToString(b.Name), b.CreationDate)
			}
		}
	}
	if want := []string{"bare-a", "src-a", "zz-a"}; !reflect.DeepEqual(names, want) || pages != 2 {
		t.Errorf("paginated ListBuckets = %v in %d pages, want %v in 2", names, pages, want)
	}
	if want := []string{"us-east-1", "eu-west-1", "us-east-1"}; !reflect.DeepEqual(regions, want) {
		t.Errorf("BucketRegion = %v, want %v", regions, want)
	}

	out, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	must(t, "ListBuckets", err)
	if len(out.Buckets) != 3 || out.Buckets[0].BucketRegion != nil {
		t.Errorf("ListBuckets without parameters: %d buckets, first region %v (want none)", len(out.Buckets), out.Buckets[0].BucketRegion)
	}
	out, err = c.ListBuckets(ctx, &s3.ListBucketsInput{Prefix: aws.String("s"), BucketRegion: aws.String("eu-west-1")})
	must(t, "ListBuckets filtered", err)
	if len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != "src-a" {
		t.Errorf("ListBuckets prefix s in eu-west-1 = %+v", out.Buckets)
	}

	moto := start(t, testEstate(), Options{OmitBucketRegion: true})
	out, err = s3For(moto, acctA, "us-east-1").ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(10)})
	must(t, "ListBuckets OmitBucketRegion", err)
	if out.Buckets[0].BucketRegion != nil {
		t.Errorf("OmitBucketRegion: BucketRegion %q", aws.ToString(out.Buckets[0].BucketRegion))
	}
}

func TestListObjectsV2(t *testing.T) {
	e := testEstate()
	for _, b := range e.Buckets {
		if b.Name == "src-a" {
			b.Keys = []string{"logs/b", "old", "logs/a"}
		}
	}
	s := start(t, e, Options{})
	c := s3For(s, acctA, "eu-west-1")
	ctx := context.Background()
	for _, tt := range []struct {
		prefix string
		max    int32
		want   []string
	}{
		{"logs/", 1, []string{"logs/a"}},
		{"logs/", 0, nil},
		{"", 10, []string{"logs/a", "logs/b", "old"}},
		{"nothing/", 1, nil},
	} {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("src-a"), Prefix: aws.String(tt.prefix), MaxKeys: aws.Int32(tt.max)})
		must(t, "ListObjectsV2 "+tt.prefix, err)
		var got []string
		for _, o := range out.Contents {
			got = append(got, aws.ToString(o.Key))
		}
		if !reflect.DeepEqual(got, tt.want) || int(aws.ToInt32(out.KeyCount)) != len(tt.want) {
			t.Errorf("ListObjectsV2 prefix %q max %d = %q (KeyCount %d), want %q", tt.prefix, tt.max, got, aws.ToInt32(out.KeyCount), tt.want)
		}
	}
}

// GetBucketNotificationConfiguration: a bucket without notifications answers an empty
// configuration; topics and the EventBridge flag come back through the SDK client.
func TestFakeNotificationConfiguration(t *testing.T) {
	e := testEstate()
	var watched *Bucket
	for _, b := range e.Buckets {
		if b.Name == "src-a" {
			watched = b
		}
	}
	watched.Notification = &NotificationConfiguration{
		Topics:      []TopicConfiguration{{ID: "failures", Topic: "arn:aws:sns:eu-west-1:111111111111:crr", Events: []string{"s3:Replication:OperationFailedReplication"}}},
		EventBridge: &struct{}{},
	}
	e.Buckets = append(e.Buckets, &Bucket{Name: "quiet", Account: acctA, Region: "eu-west-1", Created: created})
	s := start(t, e, Options{})
	ctx := context.Background()
	got, err := s3For(s, acctA, "eu-west-1").GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("src-a")})
	must(t, "GetBucketNotificationConfiguration", err)
	if len(got.TopicConfigurations) != 1 || aws.ToString(got.TopicConfigurations[0].TopicArn) != "arn:aws:sns:eu-west-1:111111111111:crr" ||
		len(got.TopicConfigurations[0].Events) != 1 || string(got.TopicConfigurations[0].Events[0]) != "s3:Replication:OperationFailedReplication" ||
		got.EventBridgeConfiguration == nil {
		t.Fatalf("src-a: %+v", got)
	}
	plain, err := s3For(s, acctA, "eu-west-1").GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("quiet")})
	must(t, "GetBucketNotificationConfiguration", err)
	if len(plain.TopicConfigurations) != 0 || plain.EventBridgeConfiguration != nil {
		t.Errorf("quiet: %+v, want an empty configuration", plain)
	}
}
