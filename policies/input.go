package policies

import (
	"iter"
	"sort"

	"github.com/crrscan/crrscan/scanner"
)

// Input is the document one bucket is judged on (input in Rego). AWS data keeps AWS's
// own field names so that a custom check can be written from the AWS documentation.
type Input struct {
	// Bucket is the bucket as collected.
	Bucket scanner.Bucket `json:"bucket"`
	// Role is the role of the bucket's replication configuration, nil when the bucket
	// has no configuration or the snapshot holds no such role.
	Role *scanner.Role `json:"role"`
	// Destinations are the linked buckets of every rule destination, by bucket ARN.
	// A destination the snapshot does not hold is absent (unknown).
	Destinations map[string]scanner.LinkedBucket `json:"destinations"`
	// KmsKeys are the KMS keys the bucket's default encryption and its rules'
	// ReplicaKmsKeyID name, by the reference as configured. A key the snapshot does
	// not hold is absent (unknown).
	KmsKeys map[string]scanner.KmsKey `json:"kms_keys"`
	// Errors are the read errors of the bucket, its role, its destinations and keys.
	Errors []scanner.CollectionError `json:"errors"`
	// Facts are computed over the whole estate.
	Facts Facts `json:"facts"`
	// Settings are the user's settings as they apply to this bucket: the effective
	// requirements and the waivers that match it (BucketSettings; {} when no settings
	// were resolved, as with Inputs).
	Settings BucketSettings `json:"settings"`
}

// Facts are estate-wide facts about a bucket, computed from the replication graph.
type Facts struct {
	// InScope is true when the bucket must replicate. Inputs: it is not itself a
	// replica; InputsWith: the settings' scope (Settings.InScope) decides.
	InScope bool `json:"in_scope"`
	// IsReplica is true when some scanned bucket replicates into this one.
	IsReplica bool `json:"is_replica"`
	// ReplicatedFrom are the scanned buckets that replicate into this one, sorted.
	ReplicatedFrom []string `json:"replicated_from"`
	// ReplicatesTo are the destinations of this bucket's rules, sorted.
	ReplicatesTo []string `json:"replicates_to"`
	// Bidirectional are the buckets this one replicates into that replicate back
	// into it (enabled rules both ways), sorted by peer.
	Bidirectional []scanner.Peer `json:"bidirectional"`
	// Onward are this bucket's destinations (enabled rules) that replicate further.
	Onward []scanner.Onward `json:"onward"`
	// DestinationsReplicationUnknown are this bucket's destinations (enabled rules)
	// whose own replication configuration is unknown (not scanned, or unreadable).
	DestinationsReplicationUnknown []string `json:"destinations_replication_unknown"`
	// RoleSources are the scanned sources whose configuration names the same role as
	// this bucket's (this one included), sorted by bucket: what the role's trust and
	// permissions must cover. Empty when the bucket has no configuration. Shared by
	// every input of the role: never changed.
	RoleSources []scanner.RoleSource `json:"role_sources"`
}

// Inputs yields the input of every bucket of s, in the snapshot's order. Destinations
// and roles are indexed by ARN once; estate facts come from scanner.GraphOf.
func Inputs(s *scanner.Snapshot) iter.Seq[Input] {
	return func(yield func(Input) bool) {
		g := scanner.GraphOf(s)
		dests := make(map[string]*scanner.LinkedBucket, len(s.Destinations))
		for i := range s.Destinations {
			dests[s.Destinations[i].Arn] = &s.Destinations[i]
		}
		roles := make(map[string]*scanner.Role, len(s.Roles))
		for i := range s.Roles {
			roles[s.Roles[i].Arn] = &s.Roles[i]
		}
		keys := make(map[string]*scanner.KmsKey, len(s.KmsKeys))
		for i := range s.KmsKeys {
			keys[s.KmsKeys[i].Ref] = &s.KmsKeys[i]
		}
		for i := range s.Buckets {
			if !yield(newInput(&s.Buckets[i], g, dests, roles, keys)) {
				return
			}
		}
	}
}

func newInput(b *scanner.Bucket, g *scanner.Graph, dests map[string]*scanner.LinkedBucket, roles map[string]*scanner.Role, keys map[string]*scanner.KmsKey) Input {
	in := Input{
		Bucket:       *b,
		Destinations: map[string]scanner.LinkedBucket{},
		KmsKeys:      map[string]scanner.KmsKey{},
		Errors:       append([]scanner.CollectionError{}, b.Errors...),
		Facts: Facts{
			InScope:                        !g.IsReplica(b.Arn),
			IsReplica:                      g.IsReplica(b.Arn),
			ReplicatedFrom:                 append([]string{}, g.ReplicatedFrom(b.Arn)...),
			ReplicatesTo:                   append([]string{}, g.ReplicatesTo(b.Arn)...),
			Bidirectional:                  g.Peers(b.Arn),
			Onward:                         g.Onward(b.Arn),
			DestinationsReplicationUnknown: g.Unknown(b.Arn),
			RoleSources:                    g.RoleSources(b.Arn),
		},
		Settings: BucketSettings{},
	}
	if in.Facts.RoleSources == nil {
		in.Facts.RoleSources = []scanner.RoleSource{}
	}
	cfg := b.ReplicationConfiguration
	if cfg == nil {
		return in
	}
	defer addKeys(&in, keys)
	if r, ok := roles[cfg.Role]; ok && cfg.Role != "" {
		in.Role = r
		in.Errors = append(in.Errors, r.Errors...)
	}
	arns := make([]string, 0, len(cfg.Rules))
	for _, rule := range cfg.Rules {
		d, ok := dests[rule.Destination.Bucket]
		if !ok {
			continue
		}
		if _, seen := in.Destinations[d.Arn]; seen {
			continue
		}
		in.Destinations[d.Arn] = *d
		arns = append(arns, d.Arn)
	}
	sort.Strings(arns)
	for _, a := range arns {
		in.Errors = append(in.Errors, dests[a].Errors...)
	}
	return in
}

// addKeys adds the KMS keys the bucket's default encryption and its rules name,
// and their read errors, in reference order.
func addKeys(in *Input, keys map[string]*scanner.KmsKey) {
	refs := in.Bucket.KMSKeyRefs()
	for _, ref := range refs {
		k, ok := keys[ref]
		if !ok {
			continue
		}
		if _, seen := in.KmsKeys[ref]; seen {
			continue
		}
		in.KmsKeys[ref] = *k
		in.Errors = append(in.Errors, k.Errors...)
	}
}
