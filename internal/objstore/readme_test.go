package objstore_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/crrscan/crrscan/internal/objstore"
)

// TestReadmePolicyIsActions: the S3 policy the README gives for s3:// locations
// lists exactly objstore.Actions (which TestActionsCoverTheCalls keeps equal to
// the calls).
func TestReadmePolicyIsActions(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- s3-policy:begin -->")
	block, _, ok2 := strings.Cut(rest, "<!-- s3-policy:end -->")
	if !ok || !ok2 {
		t.Fatal("README has no s3-policy block")
	}
	block = strings.TrimSpace(block)
	block = strings.TrimSuffix(strings.TrimPrefix(block, "```json"), "```")
	var doc struct {
		Statement []struct{ Action []string }
	}
	if err := json.Unmarshal([]byte(block), &doc); err != nil || len(doc.Statement) != 1 {
		t.Fatalf("README s3-policy: %v", err)
	}
	if got := doc.Statement[0].Action; !slices.Equal(got, objstore.Actions) {
		t.Errorf("README lists %v, the code needs %v", got, objstore.Actions)
	}
}
