// Package scantest holds helpers for tests that talk to AWS APIs: a moto_server
// per test package, SDK configurations aimed at it, and a reverse proxy that
// injects AWS-shaped faults. Only tests import it.
package scantest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// motoBinary is the emulator's command; it must be on PATH.
const motoBinary = "moto_server"

// startTimeout bounds how long StartMoto waits for the server to answer.
const startTimeout = 30 * time.Second

// Moto is a running moto_server on 127.0.0.1.
type Moto struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:40123.
	URL string

	cmd       *exec.Cmd
	done      chan struct{} // closed when the process has exited
	out       *tailBuffer
	closeOnce sync.Once
}

// MotoMissing returns nil when moto_server can be started, or an error saying why not.
func MotoMissing() error {
	if _, err := exec.LookPath(motoBinary); err != nil {
		return fmt.Errorf("%s is not on PATH (pip install 'moto[server]'): %w", motoBinary, err)
	}
	return nil
}

// StartMoto starts moto_server on a free port of 127.0.0.1 and waits until it
// answers. The caller must Close it.
func StartMoto() (*Moto, error) {
	if err := MotoMissing(); err != nil {
		return nil, err
	}
	var lastErr error
	// The free port is found before moto binds it; another process may take it
	// in between, so try a few ports.
	for range 3 {
		m, err := startMotoOnce()
		if err == nil {
			return m, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startMotoOnce() (*Moto, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	m := &Moto{
		URL:  "http://127.0.0.1:" + strconv.Itoa(port),
		cmd:  exec.Command(motoBinary, "-H", "127.0.0.1", "-p", strconv.Itoa(port)),
		done: make(chan struct{}),
		out:  &tailBuffer{max: 8 << 10},
	}
	m.cmd.Stdout = m.out
	m.cmd.Stderr = m.out
	prepareCommand(m.cmd)
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", motoBinary, err)
	}
	go func() {
		_ = m.cmd.Wait()
		close(m.done)
	}()
	if err := m.waitReady(); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (m *Moto) waitReady() error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-m.done:
			return fmt.Errorf("%s exited before answering: %s", motoBinary, m.out.String())
		default:
		}
		resp, err := client.Get(m.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer on %s within %s: %s", motoBinary, m.URL, startTimeout, m.out.String())
}

// Reset clears every account's state (buckets, roles, ...).
func (m *Moto) Reset() error {
	resp, err := http.Post(m.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		return fmt.Errorf("reset moto: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reset moto: status %s", resp.Status)
	}
	return nil
}

// Close stops the server and waits for it to exit. Calling it again does nothing.
func (m *Moto) Close() {
	if m == nil || m.cmd == nil || m.cmd.Process == nil {
		return
	}
	m.closeOnce.Do(func() {
		select {
		case <-m.done:
			// Already exited (and reaped): its pid may belong to another process now.
			return
		default:
		}
		stopCommand(m.cmd)
		select {
		case <-m.done:
		case <-time.After(10 * time.Second):
		}
	})
}

// RequireMoto starts a moto_server for one test and stops it when the test ends.
// Without moto_server the test is skipped, or fails when CI=true.
func RequireMoto(tb testing.TB) *Moto {
	tb.Helper()
	if err := MotoMissing(); err != nil {
		skipOrFail(tb, err)
	}
	m, err := StartMoto()
	if err != nil {
		tb.Fatalf("start moto: %v", err)
	}
	tb.Cleanup(m.Close)
	return m
}

// SharedMoto is one moto_server for a whole test package, started in TestMain:
//
//	var moto *scantest.SharedMoto
//
//	func TestMain(m *testing.M) {
//		moto = scantest.StartSharedMoto()
//		defer moto.Close()
//		m.Run()
//	}
//
// Each test then calls moto.Require(t), which resets the server's state.
type SharedMoto struct {
	moto    *Moto
	missing error
	err     error

	mu sync.Mutex // serialises Reset between tests
}

// StartSharedMoto starts the package's moto_server. It never fails: a missing
// binary or a failed start is reported to each test by Require.
func StartSharedMoto() *SharedMoto {
	s := &SharedMoto{missing: MotoMissing()}
	if s.missing == nil {
		s.moto, s.err = StartMoto()
	}
	return s
}

// Require returns the shared server with its state reset. Without moto_server the
// test is skipped, or fails when CI=true; a server that would not start fails it.
func (s *SharedMoto) Require(tb testing.TB) *Moto {
	tb.Helper()
	if s.missing != nil {
		skipOrFail(tb, s.missing)
	}
	if s.err != nil {
		tb.Fatalf("start moto: %v", s.err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.moto.Reset(); err != nil {
		tb.Fatalf("%v", err)
	}
	return s.moto
}

// Close stops the shared server.
func (s *SharedMoto) Close() {
	if s != nil && s.moto != nil {
		s.moto.Close()
	}
}

// skipOrFail skips the test, unless CI=true where a missing tool is a failure.
func skipOrFail(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("CI=true and moto is required: %v", err)
	}
	tb.Skipf("skipping: %v (set CI=true to make this a failure)", err)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("find a free port: not a TCP address")
	}
	return addr.Port, nil
}

// tailBuffer keeps the last max bytes written to it, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
