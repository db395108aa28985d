package scanner

import "sync/atomic"

// Progress counts what a running scan has done. The scan updates it; another
// goroutine may read it at any time with Counts. The zero value is ready to use.
type Progress struct {
	accountsTotal, accountsListed, accountsDone atomic.Int64
	bucketsTotal, configsRead, bucketsDone      atomic.Int64
	linkedTotal, linkedDone                     atomic.Int64
}

// ProgressCounts is a copy of a Progress at one moment.
type ProgressCounts struct {
	// AccountsTotal are the accounts to scan, known once the accounts are
	// discovered (the organisation listed); AccountsListed of them have had their
	// buckets listed (or failed), AccountsDone have every bucket read.
	AccountsTotal, AccountsListed, AccountsDone int
	// BucketsTotal grows as accounts are listed. The scan reads every bucket's
	// replication configuration first (ConfigsRead: read, failed, or left out by the
	// regions filter), then the rest of each bucket (BucketsDone: read, or left out).
	BucketsTotal, ConfigsRead, BucketsDone int
	// LinkedTotal and LinkedDone count the destinations and KMS keys read once the
	// buckets are.
	LinkedTotal, LinkedDone int
}

// Counts returns the current counts.
func (p *Progress) Counts() ProgressCounts {
	if p == nil {
		return ProgressCounts{}
	}
	return ProgressCounts{
		AccountsTotal:  int(p.accountsTotal.Load()),
		AccountsListed: int(p.accountsListed.Load()),
		AccountsDone:   int(p.accountsDone.Load()),
		BucketsTotal:   int(p.bucketsTotal.Load()),
		ConfigsRead:    int(p.configsRead.Load()),
		BucketsDone:    int(p.bucketsDone.Load()),
		LinkedTotal:    int(p.linkedTotal.Load()),
		LinkedDone:     int(p.linkedDone.Load()),
	}
}

// The scan's updates; each is a no-op on a nil Progress.

func (p *Progress) addAccounts(n int) {
	if p != nil {
		p.accountsTotal.Add(int64(n))
	}
}

// accountListed records an account whose listing ended with buckets buckets.
func (p *Progress) accountListed(buckets int) {
	if p != nil {
		p.accountsListed.Add(1)
		p.bucketsTotal.Add(int64(buckets))
	}
}

func (p *Progress) accountDone() {
	if p != nil {
		p.accountsDone.Add(1)
	}
}

func (p *Progress) configRead() {
	if p != nil {
		p.configsRead.Add(1)
	}
}

func (p *Progress) bucketDone() {
	if p != nil {
		p.bucketsDone.Add(1)
	}
}

func (p *Progress) addLinked(n int) {
	if p != nil {
		p.linkedTotal.Add(int64(n))
	}
}

func (p *Progress) linkedRead() {
	if p != nil {
		p.linkedDone.Add(1)
	}
}
