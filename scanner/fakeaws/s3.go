package fakeaws

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// s3NS is the namespace of S3's XML documents.
const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3Subresources map the query key of a bucket GET to its operation. The SDK
// sends the key with an empty value (?replication=).
var s3Subresources = []struct{ key, op string }{
	{"location", "GetBucketLocation"},
	{"replication", "GetBucketReplication"},
	{"versioning", "GetBucketVersioning"},
	{"tagging", "GetBucketTagging"},
	{"encryption", "GetBucketEncryption"},
	{"object-lock", "GetObjectLockConfiguration"},
	{"ownershipControls", "GetBucketOwnershipControls"},
	{"publicAccessBlock", "GetPublicAccessBlock"},
	{"lifecycle", "GetBucketLifecycleConfiguration"},
	{"requestPayment", "GetBucketRequestPayment"},
	{"policy", "GetBucketPolicy"},
	{"notification", "GetBucketNotificationConfiguration"},
}

// s3Service is S3 REST-XML with path-style addressing.
type s3Service struct{}

func (s3Service) parse(rq *request) *APIError {
	path := strings.TrimPrefix(rq.r.URL.Path, "/")
	name, key, _ := strings.Cut(path, "/")
	q := rq.r.URL.Query()
	switch {
	case name == "" && rq.r.Method == http.MethodGet:
		rq.op = "ListBuckets"
		return nil
	case name == "":
		rq.op = "other"
		return apiError(http.StatusNotImplemented, "NotImplemented", "fakeaws serves only ListBuckets on /")
	}
	rq.resource = name
	if i, ok := rq.srv.index.buckets[name]; ok {
		rq.bucket = i
	}
	if key != "" {
		rq.op = "other"
		return apiError(http.StatusNotImplemented, "NotImplemented", "fakeaws serves no object operation")
	}
	switch rq.r.Method {
	case http.MethodHead:
		rq.op = "HeadBucket"
		return nil
	case http.MethodGet:
		for _, s := range s3Subresources {
			if q.Has(s.key) {
				rq.op = s.op
				return nil
			}
		}
		if q.Get("list-type") == "2" {
			rq.op = "ListObjectsV2"
			return nil
		}
		rq.op = "other"
		return apiError(http.StatusNotImplemented, "NotImplemented", "fakeaws serves no ListObjects (V1)")
	default:
		rq.op = "other"
		return apiError(http.StatusNotImplemented, "NotImplemented", "fakeaws is read-only")
	}
}

func (s3Service) serve(rq *request) *APIError {
	if rq.op == "ListBuckets" {
		return listBuckets(rq)
	}
	if rq.bucket < 0 {
		return apiError(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
	}
	b := rq.srv.index.estate.Buckets[rq.bucket]
	regionHeader := http.Header{"X-Amz-Bucket-Region": {b.Region}}
	if rq.op == "HeadBucket" {
		// Anyone learns a bucket's region from HeadBucket, even when refused.
		switch {
		case b.Account != rq.account:
			return &APIError{Status: http.StatusForbidden, Code: "Forbidden", Header: regionHeader}
		case b.Region != rq.region:
			return &APIError{Status: http.StatusMovedPermanently, Code: "MovedPermanently", Header: regionHeader}
		}
		rq.w.Header().Set("X-Amz-Bucket-Region", b.Region)
		rq.w.WriteHeader(http.StatusOK)
		return nil
	}
	if b.Account != rq.account {
		return apiError(http.StatusForbidden, "AccessDenied", "Access Denied")
	}
	if rq.op != "GetBucketLocation" && b.Region != rq.region {
		return &APIError{
			Status: http.StatusMovedPermanently, Code: "PermanentRedirect",
			Message: "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
			Header:  regionHeader,
		}
	}
	switch rq.op {
	case "GetBucketLocation":
		loc := b.Region
		if loc == "us-east-1" {
			loc = ""
		}
		writeS3XML(rq, "LocationConstraint", struct {
			Value string `xml:",chardata"`
		}{loc})
	case "GetBucketReplication":
		if b.Replication == nil {
			return apiError(http.StatusNotFound, "ReplicationConfigurationNotFoundError", "The replication configuration was not found")
		}
		writeS3XML(rq, "ReplicationConfiguration", b.Replication)
	case "GetBucketVersioning":
		writeS3XML(rq, "VersioningConfiguration", struct {
			Status    string `xml:"Status,omitempty"`
			MfaDelete string `xml:"MfaDelete,omitempty"`
		}{b.Versioning, b.MFADelete})
	case "GetBucketTagging":
		if b.Tags == nil {
			return apiError(http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist")
		}
		writeS3XML(rq, "Tagging", struct {
			Tags []Tag `xml:"TagSet>Tag"`
		}{b.Tags})
	case "GetBucketEncryption":
		if b.Encryption == nil {
			return apiError(http.StatusNotFound, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
		}
		writeS3XML(rq, "ServerSideEncryptionConfiguration", b.Encryption)
	case "GetObjectLockConfiguration":
		if b.ObjectLock == nil {
			return apiError(http.StatusNotFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
		}
		writeS3XML(rq, "ObjectLockConfiguration", b.ObjectLock)
	case "GetBucketOwnershipControls":
		if b.Ownership == "" {
			return apiError(http.StatusNotFound, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
		}
		writeS3XML(rq, "OwnershipControls", struct {
			Ownership string `xml:"Rule>ObjectOwnership"`
		}{b.Ownership})
	case "GetPublicAccessBlock":
		if b.PublicAccessBlock == nil {
			return apiError(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		}
		writeS3XML(rq, "PublicAccessBlockConfiguration", b.PublicAccessBlock)
	case "GetBucketLifecycleConfiguration":
		if b.Lifecycle == nil {
			return apiError(http.StatusNotFound, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
		}
		writeS3XML(rq, "LifecycleConfiguration", b.Lifecycle)
	case "GetBucketRequestPayment":
		payer := "BucketOwner"
		if b.RequesterPays {
			payer = "Requester"
		}
		writeS3XML(rq, "RequestPaymentConfiguration", struct {
			Payer string `xml:"Payer"`
		}{payer})
	case "GetBucketPolicy":
		if b.Policy == "" {
			return apiError(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
		}
		rq.w.Header().Set("Content-Type", "application/json")
		rq.w.Write([]byte(b.Policy))
	case "ListObjectsV2":
		return listObjects(rq, b)
	case "GetBucketNotificationConfiguration":
		// S3 answers an empty configuration for a bucket without notifications.
		n := b.Notification
		if n == nil {
			n = &NotificationConfiguration{}
		}
		writeS3XML(rq, "NotificationConfiguration", n)
	}
	return nil
}

// listObjects answers ListObjectsV2 with the bucket's Keys that start with the
// prefix, in order, at most max-keys (1000 by default) of them; no delimiter, no
// continuation.
func listObjects(rq *request, b *Bucket) *APIError {
	q := rq.r.URL.Query()
	limit := 1000
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return apiError(http.StatusBadRequest, "InvalidArgument", "Provided max-keys not an integer or within integer range")
		}
		limit = min(n, limit)
	}
	prefix := q.Get("prefix")
	type object struct {
		Key string `xml:"Key"`
	}
	var out struct {
		Name        string   `xml:"Name"`
		Prefix      string   `xml:"Prefix"`
		KeyCount    int      `xml:"KeyCount"`
		MaxKeys     int      `xml:"MaxKeys"`
		IsTruncated bool     `xml:"IsTruncated"`
		Contents    []object `xml:"Contents"`
	}
	out.Name, out.Prefix, out.MaxKeys = b.Name, prefix, limit
	keys := slices.Clone(b.Keys)
	slices.Sort(keys)
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if len(out.Contents) == limit {
			out.IsTruncated = true
			break
		}
		out.Contents = append(out.Contents, object{Key: k})
	}
	out.KeyCount = len(out.Contents)
	writeS3XML(rq, "ListBucketResult", out)
	return nil
}

// listBuckets answers ListBuckets with the caller's buckets, sorted by name. As
// on S3, BucketRegion is returned only when the request carries a parameter
// (the SDK's x-id does not count).
func listBuckets(rq *request) *APIError {
	q := rq.r.URL.Query()
	withRegion := !rq.srv.opts.OmitBucketRegion &&
		(q.Has("max-buckets") || q.Has("continuation-token") || q.Has("prefix") || q.Has("bucket-region"))
	limit := 10000
	if v := q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return apiError(http.StatusBadRequest, "InvalidArgument", "max-buckets must be between 1 and 10000")
		}
		limit = n
	}
	after := ""
	if tok := q.Get("continuation-token"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return apiError(http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect")
		}
		after = string(raw)
	}
	prefix, region := q.Get("prefix"), q.Get("bucket-region")

	type bucketXML struct {
		Name         string `xml:"Name"`
		CreationDate string `xml:"CreationDate"`
		BucketRegion string `xml:"BucketRegion,omitempty"`
		BucketArn    string `xml:"BucketArn,omitempty"`
	}
	var out struct {
		Owner struct {
			ID string `xml:"ID"`
		} `xml:"Owner"`
		Buckets           []bucketXML `xml:"Buckets>Bucket"`
		ContinuationToken string      `xml:"ContinuationToken,omitempty"`
		Prefix            string      `xml:"Prefix,omitempty"`
	}
	out.Owner.ID = rq.account
	out.Prefix = prefix
	all := rq.srv.index.estate.Buckets
	for _, i := range rq.srv.index.byAccount[rq.account] {
		b := all[i]
		if b.Name <= after || !strings.HasPrefix(b.Name, prefix) || (region != "" && b.Region != region) {
			continue
		}
		if len(out.Buckets) == limit {
			out.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(out.Buckets[limit-1].Name))
			break
		}
		bx := bucketXML{Name: b.Name, CreationDate: b.Created.UTC().Format(time.RFC3339)}
		if withRegion {
			bx.BucketRegion = b.Region
			bx.BucketArn = BucketArn(b.Name)
		}
		out.Buckets = append(out.Buckets, bx)
	}
	writeS3XML(rq, "ListAllMyBucketsResult", out)
	return nil
}

// writeS3XML answers 200 with v marshalled under root, in S3's namespace.
func writeS3XML(rq *request, root string, v any) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: root}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: s3NS}}}
	if err := enc.EncodeElement(v, start); err != nil {
		http.Error(rq.w, "fakeaws: "+err.Error(), http.StatusInternalServerError)
		return
	}
	rq.w.Header().Set("Content-Type", "application/xml")
	rq.w.Write(buf.Bytes())
}

// writeError writes S3's unwrapped <Error>; HEAD answers carry no body.
func (s3Service) writeError(rq *request, err *APIError) {
	if rq.r.Method == http.MethodHead {
		rq.w.WriteHeader(err.Status)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	_ = xml.NewEncoder(&buf).Encode(struct {
		XMLName    xml.Name `xml:"Error"`
		Code       string   `xml:"Code"`
		Message    string   `xml:"Message"`
		BucketName string   `xml:"BucketName,omitempty"`
		RequestID  string   `xml:"RequestId"`
		HostID     string   `xml:"HostId"`
	}{Code: err.Code, Message: err.Message, BucketName: rq.resource, RequestID: rq.reqID, HostID: "fakeaws"})
	rq.w.Header().Set("Content-Type", "application/xml")
	rq.w.WriteHeader(err.Status)
	rq.w.Write(buf.Bytes())
}
