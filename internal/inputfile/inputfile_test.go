package inputfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func write(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenJSONRefusesAtOnce(t *testing.T) {
	sparse := filepath.Join(t.TempDir(), "sparse")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(5 << 30); err != nil { // 5 GiB of holes: no disk used
		t.Fatal(err)
	}
	f.Close()
	cases := []struct {
		name, path string
		max        int64
		want       error
		text       string
	}{
		{"random bytes", "/dev/urandom", 0, ErrNotJSON, "it starts with"},
		{"zeros", "/dev/zero", 0, ErrNotJSON, "0x00"},
		{"5 GiB sparse file", sparse, 0, ErrTooLarge, "5GiB is larger than the input size limit of 1GiB"},
		{"over a smaller limit", write(t, `{"a":"`+strings.Repeat("x", 2000)+`"}`), 1 << 10, ErrTooLarge, "of 1KiB"},
		{"empty", write(t, ""), 0, ErrNotJSON, "empty"},
		{"white space only", write(t, " \n\t"), 0, ErrNotJSON, "empty"},
		{"an array", write(t, `[1]`), 0, ErrNotJSON, "'['"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := OpenJSON(tc.path, tc.max)
			if err == nil {
				rc.Close()
				t.Fatal("opened, want an error")
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("error %q, want %v containing %q", err, tc.want, tc.text)
			}
		})
	}
	if _, err := OpenJSON(t.TempDir(), 0); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}

func TestOpenJSONReadsUpToTheLimit(t *testing.T) {
	doc := ` {"schema_version":"1"}`
	for _, max := range []int64{int64(len(doc)), int64(len(doc)) + 1, 0} {
		rc, err := OpenJSON(write(t, doc), max)
		if err != nil {
			t.Fatalf("max %d: %v", max, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(data) != strings.TrimSpace(doc) {
			t.Fatalf("max %d: read %q, %v", max, data, err)
		}
	}
}

// TestReadStopsAtTheLimit: a stream with no size (a pipe) that goes past the
// limit fails with ErrTooLarge once the limit is read, not later.
func TestReadStopsAtTheLimit(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		defer w.Close()
		w.Write([]byte("{"))
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}()
	const max = 1 << 20
	rc, err := OpenJSON("/dev/fd/"+strconv.Itoa(int(r.Fd())), max)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("read %d bytes, error %v; want ErrTooLarge", n, err)
	}
	if n != max {
		t.Errorf("read %d bytes before stopping, want exactly the limit %d", n, max)
	}
}

func TestReadJSON(t *testing.T) {
	if got, err := ReadJSON(strings.NewReader(` {"a": [1, 2]} ` + "\n")); err != nil || string(got) != `{"a": [1, 2]}` {
		t.Errorf("a document: %q, %v", got, err)
	}
	for _, bad := range []string{`{"a":`, `{"a": 1} {"b": 2}`, "{\x01", `{"a" 1}`, ""} {
		if _, err := ReadJSON(strings.NewReader(bad)); !errors.Is(err, ErrNotJSON) {
			t.Errorf("ReadJSON(%q): %v, want ErrNotJSON", bad, err)
		}
	}
	// Garbage after '{' fails within the first bytes: the reader is endless.
	if _, err := ReadJSON(io.MultiReader(strings.NewReader("{\x00"), &endless{})); !errors.Is(err, ErrNotJSON) {
		t.Errorf("garbage after '{': %v", err)
	}
	// A file that grew past the limit after it was opened.
	f, err := os.Open(write(t, `{"a":"`+strings.Repeat("x", 4096)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := ReadJSON(&limited{f: f, max: 1024, left: 1024}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit while reading: %v, want ErrTooLarge", err)
	}
}

// endless reads 'x' forever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestParseAndFormatSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1GiB": 1 << 30, "512MiB": 512 << 20, "64kib": 64 << 10, "100MB": 100e6, "2GB": 2e9, "1048576": 1 << 20, " 3 MiB ": 3 << 20, "7B": 7,
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "1.5GiB", "GiB", "1TiB", "99999999999GiB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) succeeded", bad)
		}
	}
	for n, want := range map[int64]string{1 << 30: "1GiB", 512 << 20: "512MiB", 3 << 10: "3KiB", 1500000: "1.4MiB", 100: "100B"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
