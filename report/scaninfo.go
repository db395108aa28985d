package report

import (
	"cmp"
	"maps"
	"slices"
)

// accountRegions is one account's enabled regions, as the reports list them.
type accountRegions struct {
	Account string
	Regions []string
}

// sortedSkipped returns a copy of accounts ordered by id (then state and name), or
// nil when there is none, so that the JSON leaves the field out.
func sortedSkipped(accounts []SkippedAccount) []SkippedAccount {
	if len(accounts) == 0 {
		return nil
	}
	out := slices.Clone(accounts)
	slices.SortFunc(out, func(a, b SkippedAccount) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.State, b.State), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// sortedEnabledRegions returns a copy of m whose region lists are sorted and free of
// duplicates, or nil when m is empty.
func sortedEnabledRegions(m map[string][]string) map[string][]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string][]string, len(m))
	for account, regions := range m {
		out[account] = sortedSet(regions)
	}
	return out
}

// enabledRegionRows lists m by account id, each account's regions sorted.
func enabledRegionRows(m map[string][]string) []accountRegions {
	rows := make([]accountRegions, 0, len(m))
	for _, account := range slices.Sorted(maps.Keys(m)) {
		rows = append(rows, accountRegions{Account: account, Regions: sortedSet(m[account])})
	}
	return rows
}
