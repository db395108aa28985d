package policies

import (
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// virtualCache is topdown's cache of rule and function results for one evaluation,
// kept in one hash map per frame instead of topdown's trie (a node and a map for
// every new step of every cached reference): the same entries, found the same way
// (by an equal reference), for fewer allocations.
type virtualCache struct {
	frames []map[int]*cacheEntry
	// entries and terms hand out cache entries and the copies of their references
	// in blocks: an evaluation caches a few hundred results.
	entries []cacheEntry
	terms   []*ast.Term
	// calls, when set, holds the values of pure calls (pure holds their operator
	// terms) from the earlier evaluations of the run; results are the values of
	// this evaluation's pure calls, for calls once it succeeds. Only the first frame
	// shares them: a with statement may replace a function or the data it reads.
	calls   *callCache
	pure    map[*ast.Term]bool
	results []callEntry
}

type cacheEntry struct {
	ref       ast.Ref
	value     *ast.Term
	undefined bool
	next      *cacheEntry // another reference with the same hash
}

var _ topdown.VirtualCache = (*virtualCache)(nil)

func newVirtualCache() *virtualCache {
	c := &virtualCache{}
	c.Push()
	return c
}

// Push starts a new, empty frame (topdown pushes one for every with statement).
func (c *virtualCache) Push() {
	c.frames = append(c.frames, make(map[int]*cacheEntry, 128))
}

// Pop drops the top frame and its entries.
func (c *virtualCache) Pop() {
	c.frames[len(c.frames)-1] = nil
	c.frames = c.frames[:len(c.frames)-1]
}

// Get returns the value cached for ref: (value, false) when it has one, (nil, true)
// when ref is recorded undefined and (nil, false) when nothing is cached.
func (c *virtualCache) Get(ref ast.Ref) (*ast.Term, bool) {
	h := ref.Hash()
	for e := c.frames[len(c.frames)-1][h]; e != nil; e = e.next {
		if e.ref.Equal(ref) {
			if e.undefined {
				return nil, true
			}
			return e.value, false
		}
	}
	if c.shared(ref) {
		return c.calls.get(ref, h), false
	}
	return nil, false
}

// shared is true when ref is a pure call whose value the run's calls may hold.
func (c *virtualCache) shared(ref ast.Ref) bool {
	return c.calls != nil && len(c.frames) == 1 && len(ref) > 0 && c.pure[ref[0]]
}

// Put records value for ref (nil: ref is undefined). The caller may reuse ref's
// slice, so the entry keeps a copy of it.
func (c *virtualCache) Put(ref ast.Ref, value *ast.Term) {
	frame := c.frames[len(c.frames)-1]
	h := ref.Hash()
	for e := frame[h]; e != nil; e = e.next {
		if e.ref.Equal(ref) {
			if value != nil {
				e.value = value
			} else {
				e.undefined = true
			}
			return
		}
	}
	if len(c.entries) == 0 {
		c.entries = make([]cacheEntry, 64)
	}
	e := &c.entries[0]
	c.entries = c.entries[1:]
	*e = cacheEntry{ref: c.copyRef(ref), value: value, undefined: value == nil, next: frame[h]}
	frame[h] = e
	if value != nil && c.shared(ref) && e.ref.IsGround() {
		c.results = append(c.results, callEntry{call: e.ref, value: value})
	}
}

func (c *virtualCache) copyRef(ref ast.Ref) ast.Ref {
	if len(c.terms) < len(ref) {
		c.terms = make([]*ast.Term, max(256, len(ref)))
	}
	cp := c.terms[:len(ref):len(ref)]
	c.terms = c.terms[len(ref):]
	copy(cp, ref)
	return cp
}

// Keys returns the references cached with a value in the top frame.
func (c *virtualCache) Keys() []ast.Ref {
	var keys []ast.Ref
	for _, e := range c.frames[len(c.frames)-1] {
		for ; e != nil; e = e.next {
			if e.value != nil {
				keys = append(keys, e.ref)
			}
		}
	}
	return keys
}
