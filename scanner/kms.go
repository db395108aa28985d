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

// keyRef is a KMS key as a configuration names it, and where a reference without
// a region or account (key id, alias name) resolves: region ("" when unknown) and
// account (the account of the bucket whose configuration names it). via is the
// scanned account whose credentials read the key when the key's own account is
// not scanned.
type keyRef struct {
	ref     string
	region  string
	account string
	via     string
}

// cacheKey identifies the key to read: an ARN names one key wherever it is used;
// a bare key id or alias name names one key per account and region.
func (k keyRef) cacheKey() string {
	if _, ok := kmsArnParts(k.ref); ok {
		return k.ref
	}
	return k.account + "\x00" + k.region + "\x00" + k.ref
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

// keyRefs lists, once per key and sorted, the keys the scanned buckets name: the
// KMS key of a replicating bucket's default encryption (resolved in the bucket's
// region and account) and every rule's ReplicaKmsKeyID (resolved in the
// destination's region and the source's account). It runs once every scanned
// bucket and every destination has been read. When buckets of several accounts
// name a key of an account that is not scanned, the first account by id reads it.
func (col *collector) keyRefs(buckets []*Bucket) []keyRef {
	ordered := append([]*Bucket(nil), buckets...)
	sort.SliceStable(ordered, func(i, j int) bool {
		if ordered[i].AccountID != ordered[j].AccountID {
			return ordered[i].AccountID < ordered[j].AccountID
		}
		return ordered[i].Name < ordered[j].Name
	})
	seen := map[string]bool{}
	var out []keyRef
	add := func(ref, region string, b *Bucket) {
		if ref == "" {
			return
		}
		k := keyRef{ref: ref, region: region, account: b.AccountID, via: b.AccountID}
		if a, ok := kmsArnParts(ref); ok {
			k.region, k.account = a.region, a.account
		}
		if !seen[k.cacheKey()] {
			seen[k.cacheKey()] = true
			out = append(out, k)
		}
	}
	for _, b := range ordered {
		if sse := b.ServerSideEncryptionConfiguration; sse != nil {
			for _, r := range sse.Rules {
				if d := r.ApplyServerSideEncryptionByDefault; d != nil && isKMSAlgorithm(d.SSEAlgorithm) {
					add(aws.ToString(d.KMSMasterKeyID), b.Region, b)
				}
			}
		}
		if b.ReplicationConfiguration == nil {
			continue
		}
		for _, r := range b.ReplicationConfiguration.Rules {
			if e := r.Destination.EncryptionConfiguration; e != nil {
				add(aws.ToString(e.ReplicaKmsKeyID), col.destinationRegion(r.Destination.Bucket), b)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ref != out[j].ref {
			return out[i].ref < out[j].ref
		}
		if out[i].account != out[j].account {
			return out[i].account < out[j].account
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
	if lb := col.listed[name]; lb != nil && !lb.foreign {
		return lb.bucket.Region
	}
	d, _ := col.dests.lookup(arn)
	return d.Region
}

// readKey describes a key in its region and, when the key belongs to a scanned
// account, reads its key policy with that account's credentials. A key of an
// account outside the scan is described with the credentials of the account whose
// bucket names it. A key that does not exist is a value (Exists false);
// AccessDeniedException on a key outside the scan leaves it unknown.
func (col *collector) readKey(ctx context.Context, kr keyRef) KmsKey {
	k := KmsKey{Ref: kr.ref, Region: kr.region, AccountID: kr.account}
	if a, ok := kmsArnParts(kr.ref); ok && a.isKey {
		k.Arn = kr.ref
	}
	if k.Region == "" {
		// A key id or alias of a destination whose region could not be read: the
		// destination says why; the key stays unknown.
		return k
	}
	resource := col.keyResource(k)
	owner := col.accounts[k.AccountID]
	reader := owner
	if !owner.reachable() {
		reader = col.accounts[kr.via]
	}
	if !reader.reachable() {
		return k
	}
	c := reader.clients.KMS(k.Region)
	got, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(kr.ref)})
	if err != nil {
		switch code := errorCode(err); {
		case code == codeKMSNotFound:
			k.Exists = aws.Bool(false)
		case code == codeKMSAccessDenied && !owner.reachable():
			// A key outside the scan (or of an account that could not be reached,
			// which says why): readable only if its key policy lets us.
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
	owner = col.accounts[k.AccountID]
	if !owner.reachable() || k.KeyMetadata == nil {
		// KMS serves key policies to the key's own account only.
		return k
	}
	keyID := k.KeyMetadata.Arn
	if keyID == "" {
		keyID = k.KeyMetadata.KeyId
	}
	pol, err := owner.clients.KMS(k.Region).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String(keyPolicyName)})
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
// resolved in several regions (or accounts) names several keys, which the
// snapshot (indexed by reference) cannot tell apart: it is recorded as an error
// rather than as one of them, so that no check judges a bucket on another key.
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
			k.Errors = append([]CollectionError(nil), k.Errors...)
			sortErrorsFully(k.Errors)
			out = append(out, k)
			continue
		}
		accounts := map[string]bool{}
		for _, kr := range krs {
			accounts[kr.account] = true
		}
		places := make([]string, 0, len(krs))
		for _, kr := range krs {
			r := kr.region
			if r == "" {
				r = "(unknown)"
			}
			if len(accounts) > 1 {
				r = kr.account + "/" + r
			}
			places = append(places, r)
		}
		what := "regions"
		if len(accounts) > 1 {
			what = "accounts and regions"
		}
		out = append(out, KmsKey{Ref: ref, AccountID: krs[0].account, Errors: []CollectionError{{
			Operation: "DescribeKey", Code: codeAmbiguousKeyRef, Resource: ref, Component: ComponentKMS,
			Message: fmt.Sprintf("the key id or alias names a different key in each of the %s %s; name the key by its ARN",
				what, strings.Join(places, ", ")),
		}}})
	}
	return out
}
