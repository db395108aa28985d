package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanWarnsAboutFarWaiver: a waiver until 2099 is a warning on standard error
// naming the settings file and line; the scan still runs and writes its reports.
func TestScanWarnsAboutFarWaiver(t *testing.T) {
	dir := t.TempDir()
	settings := filepath.Join(dir, "crrscan.yaml")
	src := "waivers:\n  - check: CRR-010\n    buckets: [\"*\"]\n    reason: forever\n    owner: someone\n    expires: 2099-12-31\n"
	if err := os.WriteFile(settings, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cfg := demoScan(dir, "valid", &stdout, &stderr)
	cfg.SettingsFile = settings
	if _, err := Scan(context.Background(), cfg); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if want := "crrscan: warning: " + settings + ":2: the waiver of CRR-010 expires 2099-12-31"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "crrscan.json")); err != nil {
		t.Errorf("no report after a warning: %v", err)
	}
}
