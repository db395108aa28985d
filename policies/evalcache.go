package policies

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/crrscan/crrscan/scanner"
)

// evalCache keeps what the evaluations of one run share, so that the later buckets
// of a run do not work it out again: the Rego values of the parts of inputs that many
// buckets share (the replication role, destination buckets, KMS keys), and the values
// of pure function calls (callCache), such as a role's policy set and its grants. It
// is safe for concurrent use, and evaluations with it are the same, value for value,
// as evaluations without it. A cache belongs to one engine and one run over one
// snapshot: roles are found by pointer, so a role must not change while the cache is
// in use; destinations and keys are found by their JSON encoding, so a changed one is
// converted anew.
type evalCache struct {
	owner *Engine
	mu    sync.Mutex
	roles generations[*scanner.Role]
	// linked holds destination buckets and KMS keys by their JSON encoding.
	linked generations[string]
	// roleSources holds the facts' role_sources by their shared slice.
	roleSources generations[*scanner.RoleSource]
	calls       callCache
	// frozen caches take nothing new: what they hold is all a bucket finds (the
	// warm benchmarks use it to see a bucket as the next bucket of its role would).
	frozen bool
}

// newEvalCache returns an empty cache for one run of e.
func (e *Engine) newEvalCache() *evalCache {
	return &evalCache{owner: e}
}

// valueGeneration is how many values of one kind an evalCache takes before it starts
// a new generation and drops the one before the last: a run over a large estate keeps
// the values its recent buckets met, not all of them.
const valueGeneration = 1024

// generations holds values by key in at most two generations.
type generations[K comparable] struct {
	cur, prev map[K]*ast.Term
}

func (g *generations[K]) get(k K) (*ast.Term, bool) {
	if t, ok := g.cur[k]; ok {
		return t, true
	}
	t, ok := g.prev[k]
	return t, ok
}

func (g *generations[K]) put(k K, t *ast.Term) {
	if g.cur == nil || len(g.cur) >= valueGeneration {
		g.prev, g.cur = g.cur, make(map[K]*ast.Term)
	}
	g.cur[k] = t
}

// inputValue converts in to the Rego value of its JSON document. Without a cache it
// encodes and parses the whole document; with one, it builds the same value from
// its parts, taking the shared parts from the cache.
func (e *Engine) inputValue(in Input, cache *evalCache) (ast.Value, error) {
	if cache == nil {
		doc, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode input: %w", err)
		}
		val, err := jsonValueWith(doc, e.keys)
		if err != nil {
			return nil, fmt.Errorf("convert input: %w", err)
		}
		return val, nil
	}
	b := partsBuilder{p: jsonParser{keys: e.keys}}
	bucket := b.convert(in.Bucket)
	var role *ast.Term
	if in.Role == nil {
		role = ast.NullTerm()
	} else {
		role = cache.role(in.Role, &b)
	}
	dests := linkedObject(in.Destinations, cache, &b)
	kms := linkedObject(in.KmsKeys, cache, &b)
	errs := b.convert(in.Errors)
	facts := cache.facts(in.Facts, &b, e.keys)
	settings := b.convert(in.Settings)
	if b.err != nil {
		return nil, b.err
	}
	// The keys in the order json.Marshal writes Input's fields.
	return ast.NewObject(
		[2]*ast.Term{e.keys["bucket"], bucket},
		[2]*ast.Term{e.keys["role"], role},
		[2]*ast.Term{e.keys["destinations"], dests},
		[2]*ast.Term{e.keys["kms_keys"], kms},
		[2]*ast.Term{e.keys["errors"], errs},
		[2]*ast.Term{e.keys["facts"], facts},
		[2]*ast.Term{e.keys["settings"], settings},
	), nil
}

// partsBuilder converts the parts of one input, keeping the first error.
type partsBuilder struct {
	p   jsonParser // shared by the parts: one block of terms for them all
	err error
}

func (b *partsBuilder) convert(v any) *ast.Term {
	doc, err := json.Marshal(v)
	if err != nil {
		b.fail(fmt.Errorf("encode input: %w", err))
		return ast.NullTerm()
	}
	return b.parse(doc)
}

func (b *partsBuilder) parse(doc []byte) *ast.Term {
	val, err := b.p.parse(doc)
	if err != nil {
		b.fail(fmt.Errorf("convert input: %w", err))
		return ast.NullTerm()
	}
	return ast.NewTerm(val)
}

func (b *partsBuilder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

func (c *evalCache) role(r *scanner.Role, b *partsBuilder) *ast.Term {
	return lookup(&c.mu, &c.roles, r, c.frozen, b, func() *ast.Term { return b.convert(r) })
}

// facts converts an input's facts, taking role_sources (the same slice for every
// source of a role, and as long as the role's sources) from the cache.
func (c *evalCache) facts(f Facts, b *partsBuilder, keys map[string]*ast.Term) *ast.Term {
	rs := f.RoleSources
	if len(rs) == 0 {
		return b.convert(f)
	}
	f.RoleSources = nil
	t := b.convert(f)
	obj, ok := t.Value.(ast.Object)
	if !ok {
		return t
	}
	v := lookup(&c.mu, &c.roleSources, &rs[0], c.frozen, b, func() *ast.Term { return b.convert(rs) })
	key, ok := keys["role_sources"]
	if !ok {
		key = ast.StringTerm("role_sources")
	}
	obj.Insert(key, v)
	return t
}

func (c *evalCache) linkedValue(v any, b *partsBuilder) *ast.Term {
	doc, err := json.Marshal(v)
	if err != nil {
		b.fail(fmt.Errorf("encode input: %w", err))
		return ast.NullTerm()
	}
	return lookup(&c.mu, &c.linked, string(doc), c.frozen, b, func() *ast.Term { return b.parse(doc) })
}

// lookup returns the value g holds for k, converting and keeping it first when g has
// none (a value that failed to convert is not kept, nor anything by a frozen cache).
// Two evaluations may convert the same part at once: both get equal values.
func lookup[K comparable](mu *sync.Mutex, g *generations[K], k K, frozen bool, b *partsBuilder, convert func() *ast.Term) *ast.Term {
	mu.Lock()
	t, ok := g.get(k)
	mu.Unlock()
	if ok {
		return t
	}
	t = convert()
	if b.err != nil || frozen {
		return t
	}
	mu.Lock()
	g.put(k, t)
	mu.Unlock()
	return t
}

// linkedObject is the Rego object of the destinations or KMS keys of an input (null
// for a nil map, as json.Marshal writes it), each value taken from the cache.
func linkedObject[V scanner.LinkedBucket | scanner.KmsKey](m map[string]V, c *evalCache, b *partsBuilder) *ast.Term {
	if m == nil {
		return ast.NullTerm()
	}
	keys := slices.Sorted(maps.Keys(m))
	if slices.ContainsFunc(keys, func(k string) bool { return !utf8.ValidString(k) }) {
		return b.convert(m) // json.Marshal replaces invalid UTF-8 in keys: let it
	}
	pairs := make([][2]*ast.Term, 0, len(m))
	for _, k := range keys {
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(k), c.linkedValue(m[k], b)})
	}
	return ast.NewTerm(ast.NewObject(pairs...))
}
