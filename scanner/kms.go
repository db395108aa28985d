package scanner

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// keyPolicyName is the only name a KMS key policy can have.
const keyPolicyName = "default"

// keyRef is a KMS key as a configuration names it, and the region a reference
// without a region (key id, alias name) resolves in. region is "" when that
// region is unknown.
type keyRef struct {
	ref    string
	region string
}

// cacheKey identifies the key to read: an ARN names one key wherever it is used;
// a bare key id or alias name names one key per region.
func (k keyRef) cacheKey() string {
	if _, ok := kmsArnParts(k.ref); ok {
		return k.ref
	}
	return k.region + "\x00" + k.ref
}

// kmsArn is what a KMS ARN (key or alias) says about the key.
type kmsArn struct {
	partition, region, account string
	isKey                      bool
}

func kmsArnParts(ref string) (kmsArn, bool) {
	p, svc, region, acct, res, ok := arnParts(ref)
	if !ok || svc != "kms" || region == "" || acct == "" {
		return kmsArn{}, false
	}
	return kmsArn{partition: p, region: region, account: acct, isKey: strings.HasPrefix(res, "key/")}, true
}

// isKMSAlgorithm reports whether a default-encryption algorithm uses a KMS key.
func isKMSAlgorithm(alg string) bool {
	return alg == "aws:kms" || alg == "aws:kms:dsse"
}

// keyRefs lists, without duplicates and sorted, the keys the listed buckets name:
// the KMS key of a replicating bucket's default encryption (resolved in the
// bucket's region) and every rule's ReplicaKmsKeyID (resolved in the destination's
// region). It runs once every listed bucket and every destination outside the scan
// has been read.
func (col *collector) keyRefs(buckets []*Bucket) []keyRef {
	seen := map[keyRef]bool{}
	var out []keyRef
	add := func(ref, region string) {
		if ref == "" {
			return
		}
		if a, ok := kmsArnParts(ref); ok {
			region = a.region
		}
		k := keyRef{ref: ref, region: region}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, b := range buckets {
		if sse := b.ServerSideEncryptionConfiguration; sse != nil {
			for _, r := range sse.Rules {
				if d := r.ApplyServerSideEncryptionByDefault; d != nil && isKMSAlgorithm(d.SSEAlgorithm) {
					add(aws.ToString(d.KMSMasterKeyID), b.Region)
				}
			}
		}
		if b.ReplicationConfiguration == nil {
			continue
		}
		for _, r := range b.ReplicationConfiguration.Rules {
			if e := r.Destination.EncryptionConfiguration; e != nil {
				add(aws.ToString(e.ReplicaKmsKeyID), col.destinationRegion(r.Destination.Bucket))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ref != out[j].ref {
			return out[i].ref < out[j].ref
		}
		return out[i].region < out[j].region
	})
	return out
}

// destinationRegion is the region of a destination as read so far, "" if unknown.
func (col *collector) destinationRegion(arn string) string {
	name, ok := bucketNameOf(arn)
	if !ok {
		return ""
	}
	if b := col.byName[name]; b != nil {
		return b.Region
	}
	lb, _ := col.dests.lookup(arn)
	return lb.Region
}

// readKey describes a key in its region and, when the key belongs to the scanned
// account, reads its key policy. A key that does not exist is a value (Exists
// false); AccessDeniedException on another account's key leaves it unknown.
func (col *collector) readKey(ctx context.Context, kr keyRef) KmsKey {
	k := KmsKey{Ref: kr.ref, Region: kr.region, AccountID: col.account}
	if a, ok := kmsArnParts(kr.ref); ok {
		k.AccountID = a.account
		if a.isKey {
			k.Arn = kr.ref
		}
	}
	if k.Region == "" {
		// A key id or alias of a destination whose region could not be read: the
		// destination says why; the key stays unknown.
		return k
	}
	resource := col.keyResource(k)
	c := col.clients.KMS(k.Region)
	got, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(kr.ref)})
	if err != nil {
		switch code := errorCode(err); {
		case code == codeKMSNotFound:
			k.Exists = aws.Bool(false)
		case code == codeKMSAccessDenied && k.AccountID != col.account:
			// Another account's key: readable only if its key policy lets us.
		default:
			k.Errors = append(k.Errors, col.failed("DescribeKey", resource, ComponentKMS, err))
		}
		return k
	}
	k.Exists = aws.Bool(true)
	k.KeyMetadata = convertKeyMetadata(got.KeyMetadata)
	if md := k.KeyMetadata; md != nil {
		if a, ok := kmsArnParts(md.Arn); ok {
			k.Arn, k.Region, k.AccountID = md.Arn, a.region, a.account
			resource = md.Arn
		}
		if acct := aws.ToString(got.KeyMetadata.AWSAccountId); acct != "" {
			k.AccountID = acct
		}
	}
	if k.AccountID != col.account || k.KeyMetadata == nil {
		// KMS serves key policies to the key's own account only.
		return k
	}
	keyID := k.KeyMetadata.Arn
	if keyID == "" {
		keyID = k.KeyMetadata.KeyId
	}
	pol, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String(keyPolicyName)})
	if err != nil {
		k.Errors = append(k.Errors, col.failed("GetKeyPolicy", resource, ComponentKMS, err))
		return k
	}
	doc, err := parseJSONDocument(pol.Policy)
	if err != nil {
		k.Errors = append(k.Errors, CollectionError{
			Operation: "GetKeyPolicy", Code: codeMalformedPolicy, Resource: resource, Component: ComponentKMS,
			Message: "key policy: " + err.Error(),
		})
		return k
	}
	k.KeyPolicy = doc
	return k
}

// keyResource names a key in an error: its ARN, built from the reference and the
// region and account it resolves in when the reference is a key id or alias name.
func (col *collector) keyResource(k KmsKey) string {
	if _, ok := kmsArnParts(k.Ref); ok {
		return k.Ref
	}
	prefix := "arn:" + col.partition + ":kms:" + k.Region + ":" + k.AccountID + ":"
	if strings.HasPrefix(k.Ref, "alias/") {
		return prefix + k.Ref
	}
	return prefix + "key/" + k.Ref
}

// kmsKeys assembles one KmsKey per reference. A reference without a region that
// resolved in several regions names several keys, which the snapshot (indexed by
// reference) cannot tell apart: it is recorded as an error rather than as one of
// them, so that no check judges a bucket on another region's key.
func (col *collector) kmsKeys(refs []keyRef) []KmsKey {
	byRef := map[string][]keyRef{}
	var order []string
	for _, kr := range refs {
		if _, ok := byRef[kr.ref]; !ok {
			order = append(order, kr.ref)
		}
		byRef[kr.ref] = append(byRef[kr.ref], kr)
	}
	// nil when no key is named: the snapshot omits an empty list, and reading it
	// back gives nil.
	var out []KmsKey
	for _, ref := range order {
		krs := byRef[ref]
		if len(krs) == 1 {
			k, _ := col.keys.lookup(krs[0].cacheKey())
			sortErrorsFully(k.Errors)
			out = append(out, k)
			continue
		}
		regions := make([]string, 0, len(krs))
		for _, kr := range krs {
			r := kr.region
			if r == "" {
				r = "(unknown)"
			}
			regions = append(regions, r)
		}
		out = append(out, KmsKey{Ref: ref, AccountID: col.account, Errors: []CollectionError{{
			Operation: "DescribeKey", Code: codeAmbiguousKeyRef, Resource: ref, Component: ComponentKMS,
			Message: fmt.Sprintf("the key id or alias names a different key in each of the regions %s; name the key by its ARN",
				strings.Join(regions, ", ")),
		}}})
	}
	return out
}
