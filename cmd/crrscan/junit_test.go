package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
)

// TestJUnitListsEveryBucketCheck: the JUnit report has a case per bucket × applicable
// check — passing ones included — matching the summary's outcome counts.
func TestJUnitListsEveryBucketCheck(t *testing.T) {
	dir := t.TempDir()
	res := runCrrscan(t, nil, "scan", "--from-snapshot", filepath.Join("..", "..", "fixtures", "demo", "snapshot.json"),
		"--config", filepath.Join("..", "..", "fixtures", "demo", "crrscan.yaml"),
		"--format", "junit,json", "--output-dir", dir)
	if res.code != 3 {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	r := readResult(t, filepath.Join(dir, "crrscan.json"))
	want := map[string]int{}
	total := 0
	for _, c := range r.Summary.Checks {
		want["pass"] += c.Pass
		want["fail"] += c.Fail
		want["error"] += c.Error
		want["waived"] += c.Waived
		total += c.Pass + c.Fail + c.Error + c.Waived
	}
	data, err := os.ReadFile(filepath.Join(dir, "crrscan.junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Failure *struct{} `xml:"failure"`
				Error   *struct{} `xml:"error"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse JUnit: %v", err)
	}
	got := map[string]int{}
	cases := 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases++
			switch {
			case c.Failure != nil:
				got["fail"]++
			case c.Error != nil:
				got["error"]++
			case c.Skipped != nil:
				got["waived"]++
			default:
				got["pass"]++
			}
		}
	}
	if cases != total || got["pass"] != want["pass"] || got["waived"] != want["waived"] || got["pass"] == 0 {
		t.Errorf("JUnit cases %d %v, summary outcomes %d %v", cases, got, total, want)
	}
}
