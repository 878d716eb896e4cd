// Package testbin builds Campfire binaries (or any main package of the module) for tests and runs
// them as real processes on 127.0.0.1: the JS hook examples, the embedding example, graceful
// shutdown and restarts are tested this way.
package testbin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Root is the module's root directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	buildMu sync.Mutex
	built   = map[string]string{}
	dirs    []string
)

// RemoveAll deletes the binaries built so far; call it from TestMain after m.Run.
func RemoveAll() {
	buildMu.Lock()
	defer buildMu.Unlock()
	for _, d := range dirs {
		_ = os.RemoveAll(d)
	}
	dirs, built = nil, map[string]string{}
}

// Build compiles the main package pkg (a path relative to the module root, e.g. "./cmd/campfire")
// once per test process and returns the binary's path.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if bin, ok := built[pkg]; ok {
		return bin
	}
	dir, err := os.MkdirTemp("", "campfire-testbin-")
	if err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, dir)
	bin := filepath.Join(dir, filepath.Base(pkg))
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		goCmd = "go"
	}
	cmd := exec.Command(goCmd, "build", "-o", bin, pkg)
	cmd.Dir = Root()
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=go1.27.3", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	built[pkg] = bin
	return bin
}

// Server is a running binary serving HTTP.
type Server struct {
	URL     string
	DataDir string
	Cmd     *exec.Cmd
	logs    *syncBuffer
	done    chan struct{}
	exitErr error
}

// Logs returns what the process wrote so far.
func (s *Server) Logs() string { return s.logs.String() }

// FreeAddr returns a free 127.0.0.1 address.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Serve starts `bin serve` on dataDir with a free address and waits for /api/health. Extra
// arguments go after serve's (flags such as --hooksDir). Dev mode and hook watching are off (a
// binary under the temp dir would otherwise look like `go run`). The process is stopped (SIGTERM,
// then SIGKILL) when the test ends.
func Serve(t testing.TB, bin, dataDir string, env []string, args ...string) *Server {
	t.Helper()
	addr := FreeAddr(t)
	full := append([]string{"serve", "--dir", dataDir, "--http", addr, "--dev=false", "--hooksWatch=false"}, args...)
	s := &Server{URL: "http://" + addr, DataDir: dataDir, logs: &syncBuffer{}, done: make(chan struct{})}
	s.Cmd = exec.Command(bin, full...)
	s.Cmd.Dir = filepath.Dir(dataDir)
	s.Cmd.Env = append(os.Environ(), env...)
	s.Cmd.Stdout = s.logs
	s.Cmd.Stderr = s.logs
	if err := s.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.exitErr = s.Cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
			return
		default:
		}
		_ = s.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			_ = s.Cmd.Process.Kill()
			<-s.done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(s.URL + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-s.done:
			t.Fatalf("%s exited before serving: %v\n%s", bin, s.exitErr, s.Logs())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer /api/health\n%s", bin, s.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop sends SIGTERM and waits for the process to exit; it returns the exit error.
func (s *Server) Stop(t testing.TB) error {
	t.Helper()
	_ = s.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(60 * time.Second):
		_ = s.Cmd.Process.Kill()
		<-s.done
		t.Fatalf("the server did not stop within 60 s of SIGTERM\n%s", s.Logs())
	}
	return s.exitErr
}

// Done is closed when the process has exited.
func (s *Server) Done() <-chan struct{} { return s.done }

// Response is an HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return m
}

// Do sends a JSON request (body nil for none) with an optional Authorization token.
func Do(method, url, token string, body any) (Response, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return Response{}, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return Response{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Header: res.Header, Body: data}, err
}

// MustDo is Do that fails the test on a transport error.
func MustDo(t testing.TB, method, url, token string, body any) Response {
	t.Helper()
	r, err := Do(method, url, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

// FirstRun sets the account up through the API and returns the administrator's token and the id of
// the first room ("All Talk").
func FirstRun(t testing.TB, base string) (token, roomID string) {
	t.Helper()
	r := MustDo(t, http.MethodPost, base+"/api/campfire/first-run", "", map[string]string{
		"name": "Ada Admin", "email": "ada@example.com", "password": "correct-horse-battery",
	})
	if r.Status != http.StatusOK {
		t.Fatalf("first run: %d %s", r.Status, r.Body)
	}
	token, _ = r.JSON(t)["token"].(string)
	rooms := MustDo(t, http.MethodGet, base+"/api/collections/rooms/records", token, nil)
	items, _ := rooms.JSON(t)["items"].([]any)
	if len(items) == 0 {
		t.Fatalf("no room after first run: %s", rooms.Body)
	}
	roomID, _ = items[0].(map[string]any)["id"].(string)
	return token, roomID
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Contains reports whether the logs contain s (a convenience for assertions).
func (s *Server) Contains(sub string) bool { return strings.Contains(s.Logs(), sub) }

// Errorf formats a failure with the server's logs appended.
func (s *Server) Errorf(format string, args ...any) string {
	return fmt.Sprintf(format, args...) + "\n--- server logs ---\n" + s.Logs()
}
