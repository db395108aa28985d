package policies

import (
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// callGeneration is how many results a callCache takes before it starts a new
// generation and drops the one before the last: it holds at most twice as many.
const callGeneration = 8192

// callCache keeps, across the evaluations of a run, the values of calls of functions
// whose value depends on their arguments alone (see pureCalls): a role's policy set,
// the grants of its policies, the decision for a permission, which later buckets of the
// same role ask for with the same arguments. It is safe for concurrent use and takes
// only the results of evaluations that succeeded.
type callCache struct {
	mu        sync.RWMutex
	cur, prev map[int]*callEntry // by the hash of the call (function and arguments)
	n         int                // entries in cur
}

type callEntry struct {
	call  ast.Ref // the function's reference, then its arguments
	value *ast.Term
	next  *callEntry // another call with the same hash
}

// get returns the value kept for call (of hash h), nil when none is kept.
func (c *callCache) get(call ast.Ref, h int) *ast.Term {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, m := range [...]map[int]*callEntry{c.cur, c.prev} {
		for e := m[h]; e != nil; e = e.next {
			if e.call.Equal(call) {
				return e.value
			}
		}
	}
	return nil
}

// add keeps the results of one evaluation's calls.
func (c *callCache) add(results []callEntry) {
	if len(results) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range results {
		h := r.call.Hash()
		if c.find(c.cur, r.call, h) {
			continue
		}
		if c.n >= callGeneration || c.cur == nil {
			c.prev, c.cur, c.n = c.cur, make(map[int]*callEntry, callGeneration), 0
		}
		c.cur[h] = &callEntry{call: r.call, value: r.value, next: c.cur[h]}
		c.n++
	}
}

func (c *callCache) find(m map[int]*callEntry, call ast.Ref, h int) bool {
	for e := m[h]; e != nil; e = e.next {
		if e.call.Equal(call) {
			return true
		}
	}
	return false
}
