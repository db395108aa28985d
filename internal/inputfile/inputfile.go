// Package inputfile opens the files crrscan reads (snapshots, results, settings,
// custom checks) with a size limit, so that a wrong file — a device, a huge or
// binary file — fails at once with a clear error instead of filling memory.
package inputfile

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// DefaultMax is the default limit of an input file's size: 1 GiB, some ten times
// the snapshot of a 100,000-bucket estate.
const DefaultMax int64 = 1 << 30

// Wrap describes err, an error of Open or OpenJSON or of reading what they
// opened, as "PATH: KIND: ERR" — or "KIND: ERR" when err names the path already
// (an *fs.PathError from opening it). kind is the caller's error for a bad
// input of its sort (an invalid snapshot, an invalid result).
func Wrap(path string, kind, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return fmt.Errorf("%w: %v", kind, err)
	}
	return fmt.Errorf("%s: %w: %v", path, kind, err)
}

// ErrTooLarge is returned (wrapped) for a file larger than the limit.
var ErrTooLarge = errors.New("larger than the input size limit")

// ErrNotJSON is returned (wrapped) for a JSON input whose first byte cannot
// start a JSON object.
var ErrNotJSON = errors.New("not JSON")

// Check refuses path when it is a directory or a regular file larger than max
// bytes (max <= 0 means DefaultMax). It reads nothing.
func Check(path string, max int64) error {
	f, err := Open(path, max)
	if err != nil {
		return err
	}
	return f.Close()
}

// Open opens path for reading at most max bytes (max <= 0 means DefaultMax): a
// directory, or a regular file larger than max, is refused before anything is
// read, and reading a file that grows (or a device or pipe) past max fails
// with ErrTooLarge.
func Open(path string, max int64) (io.ReadCloser, error) {
	if max <= 0 {
		max = DefaultMax
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	if fi.Mode().IsRegular() && fi.Size() > max {
		f.Close()
		return nil, fmt.Errorf("%s is %w of %s (--max-input-size)", FormatSize(fi.Size()), ErrTooLarge, FormatSize(max))
	}
	return &limited{f: f, max: max, left: max}, nil
}

// OpenJSON is Open for a JSON document that must be an object: a first byte
// (after white space) other than '{' fails at once with ErrNotJSON.
func OpenJSON(path string, max int64) (io.ReadCloser, error) {
	rc, err := Open(path, max)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(rc)
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			rc.Close()
			return nil, fmt.Errorf("%w: the file is empty", ErrNotJSON)
		}
		if err != nil {
			rc.Close()
			return nil, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			if err := br.UnreadByte(); err != nil {
				rc.Close()
				return nil, err
			}
			return readCloser{Reader: br, Closer: rc}, nil
		}
		rc.Close()
		return nil, fmt.Errorf("%w: it starts with %s, not '{'", ErrNotJSON, describeByte(b))
	}
}

// ReadJSON reads one JSON value from r and returns its bytes. The syntax is
// checked while reading, so garbage fails within a few bytes instead of being
// read whole first; anything but white space after the value is an error too.
// A read error (such as ErrTooLarge) is returned as it is.
func ReadJSON(r io.Reader) ([]byte, error) {
	cr := &countingReader{r: r}
	dec := json.NewDecoder(cr)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if cr.err != nil && !errors.Is(cr.err, io.EOF) {
			return nil, cr.err
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if cr.err != nil && !errors.Is(cr.err, io.EOF) {
			return nil, cr.err
		}
		return nil, fmt.Errorf("%w: more data after the document", ErrNotJSON)
	}
	return raw, nil
}

// countingReader remembers the error of the reader under a json.Decoder, which
// reports a read error as a syntax error otherwise.
type countingReader struct {
	r   io.Reader
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

type readCloser struct {
	io.Reader
	io.Closer
}

// limited reads up to max bytes of f; one byte more is ErrTooLarge.
type limited struct {
	f    *os.File
	max  int64
	left int64
}

func (l *limited) Read(p []byte) (int, error) {
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.f.Read(p)
	if int64(n) > l.left {
		return int(l.left), fmt.Errorf("%w of %s (--max-input-size)", ErrTooLarge, FormatSize(l.max))
	}
	l.left -= int64(n)
	return n, err
}

func (l *limited) Close() error { return l.f.Close() }

// units are the suffixes ParseSize accepts, largest first.
var units = []struct {
	suffix string
	bytes  int64
}{
	{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1},
}

// ParseSize parses a size such as 1GiB, 512MiB, 100MB or 1048576 (bytes).
func ParseSize(s string) (int64, error) {
	v := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(strings.ToLower(v), strings.ToLower(u.suffix)) {
			v, mult = strings.TrimSpace(v[:len(v)-len(u.suffix)]), u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("want a size such as 1GiB, 512MiB or 1048576, got %q", s)
	}
	return n * mult, nil
}

// FormatSize writes n bytes the way ParseSize reads them, in the largest
// binary unit that divides it, else in bytes rounded to one decimal place of MiB.
func FormatSize(n int64) string {
	for _, u := range units[:3] {
		if n >= u.bytes && n%u.bytes == 0 {
			return strconv.FormatInt(n/u.bytes, 10) + u.suffix
		}
	}
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + "MiB"
	}
	return strconv.FormatInt(n, 10) + "B"
}

// describeByte shows b as a character when it is printable ASCII.
func describeByte(b byte) string {
	if b >= 0x20 && b < 0x7f {
		return fmt.Sprintf("'%c' (byte 0x%02x)", b, b)
	}
	return fmt.Sprintf("byte 0x%02x", b)
}
