package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one process of the binary under test, on 127.0.0.1.
type server struct {
	name    string
	cmd     *exec.Cmd
	port    int
	url     string
	dir     string
	env     []string
	logPath string
	started time.Time
	exited  chan struct{}
	pprof   string
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startServer starts `bin serve` on dataDir at port (0: a free one) with extra environment.
func startServer(h *harness, name, dataDir string, port int, extraEnv []string) (*server, error) {
	if port == 0 {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		port = p
	}
	s := &server{name: name, port: port, url: fmt.Sprintf("http://127.0.0.1:%d", port), dir: dataDir,
		env: extraEnv, logPath: filepath.Join(h.work, "logs", name+".log")}
	return s, s.start(h)
}

func (s *server) start(h *harness) error {
	_ = os.MkdirAll(filepath.Dir(s.logPath), 0o755)
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(h.bin, "serve", "--dir", s.dir, "--http", fmt.Sprintf("127.0.0.1:%d", s.port))
	cmd.Env = append(append(os.Environ(), h.serverEnv...), s.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	s.started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", s.name, err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(s.exited) }()
	return nil
}

// waitHealthy polls GET /api/health until it answers 200 and returns the time since the start.
func (s *server) waitHealthy(timeout time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return 0, fmt.Errorf("%s exited before it was healthy (log: %s)", s.name, s.logPath)
		default:
		}
		res, err := c.Get(s.url + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return time.Since(s.started), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("%s not healthy within %s (log: %s)", s.name, timeout, s.logPath)
}

// rss is the resident set size of the process in bytes.
func (s *server) rss() int64 {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return rssOf(s.cmd.Process.Pid)
}

func rssOf(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// stop ends the process gracefully (SIGTERM), killing it after a grace period.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// kill ends the process at once (SIGKILL): the crash of the reliability audit.
func (s *server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// runCLI runs the binary with arguments (not serve) and returns its combined output.
func runCLI(ctx context.Context, h *harness, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, h.bin, args...)
	cmd.Env = append(append(os.Environ(), h.serverEnv...), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// raiseFileLimit sets the soft open-file limit to the hard one (inherited by the servers) and
// returns it.
func raiseFileLimit() (uint64, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	rl.Cur = rl.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	return rl.Cur, nil
}

// cpu is the CPU time (user + system) the process has used so far.
func (s *server) cpu() time.Duration {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return processCPU(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
}

// selfCPU is the CPU time the harness itself (the load generator) has used so far.
func selfCPU() time.Duration { return processCPU("/proc/self/stat") }

// processCPU reads user + system CPU time from a /proc/<pid>/stat file.
func processCPU(statFile string) time.Duration {
	data, err := os.ReadFile(statFile)
	if err != nil {
		return 0
	}
	// the fields after the command name (which may hold spaces) start after the last ')'
	text := string(data)
	i := strings.LastIndexByte(text, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(text[i+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// cpuPer formats the server CPU time spent per operation.
func cpuPer(d time.Duration, n int64) string {
	if n <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f ms", float64(d)/float64(n)/1e6)
}

// usPer formats CPU time per operation in microseconds (for small per-event costs).
func usPer(d time.Duration, n int64) string {
	if n <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f µs", float64(d)/float64(n)/1e3)
}
