package app

import (
	"github.com/crrscan/crrscan/report"
	"github.com/crrscan/crrscan/scanner"
)

// ReplicationMap is the replication graph of a snapshot as the HTML report draws
// it: every listed bucket, every destination outside the scan, and one edge per rule.
func ReplicationMap(s *scanner.Snapshot) report.ReplicationMap {
	var m report.ReplicationMap
	dests := map[string]scanner.LinkedBucket{}
	for _, d := range s.Destinations {
		dests[d.Arn] = d
	}
	for _, b := range s.Buckets {
		m.Buckets = append(m.Buckets, report.MapBucket{Arn: b.Arn, Name: b.Name, AccountID: b.AccountID, Region: b.Region, Listed: true})
		if b.ReplicationConfiguration == nil {
			continue
		}
		for _, rule := range b.ReplicationConfiguration.Rules {
			e := report.MapEdge{
				SourceArn: b.Arn, SourceAccount: b.AccountID, SourceRegion: b.Region,
				Destination: rule.Destination.Bucket, Enabled: rule.Status == "Enabled",
			}
			if rule.ID != nil {
				e.RuleID = *rule.ID
			}
			d := dests[rule.Destination.Bucket]
			e.DestAccount, e.DestRegion = d.AccountID, d.Region
			if e.DestAccount == "" && rule.Destination.Account != nil {
				e.DestAccount = *rule.Destination.Account
			}
			m.Edges = append(m.Edges, e)
		}
	}
	for _, d := range s.Destinations {
		if !d.InScan {
			m.Buckets = append(m.Buckets, report.MapBucket{Arn: d.Arn, Name: d.Name, AccountID: d.AccountID, Region: d.Region, Exists: d.Exists})
		}
	}
	return m
}
