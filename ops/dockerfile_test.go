package ops_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketcampfire/campfire/internal/testbin"
)

type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY...
	args string
	line int
}

type stage struct {
	name, image  string
	instructions []instruction
}

// parseDockerfile reads instructions (continuations joined, comments dropped) grouped by stage.
func parseDockerfile(t *testing.T, path string) []*stage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages []*stage
	var cur strings.Builder
	start, n := 0, 0
	flush := func() {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		if in.cmd == "FROM" {
			fields := strings.Fields(in.args)
			s := &stage{image: fields[0]}
			if len(fields) >= 3 && strings.EqualFold(fields[1], "AS") {
				s.name = fields[2]
			}
			stages = append(stages, s)
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("Dockerfile:%d: %s before the first FROM", in.line, in.cmd)
			}
			return
		}
		stages[len(stages)-1].instructions = append(stages[len(stages)-1].instructions, in)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() > 0 && strings.HasPrefix(trimmed, "#") {
			continue // comment inside a continuation
		}
		if cur.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	return stages
}

func (s *stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.instructions {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

func (s *stage) joined(cmd string) string {
	var parts []string
	for _, in := range s.all(cmd) {
		parts = append(parts, in.args)
	}
	return strings.Join(parts, "\n")
}

// copySources returns the sources of a COPY (flags dropped, the destination dropped), and its --from.
func copySources(args string) (sources []string, from string) {
	fields := strings.Fields(args)
	if strings.HasPrefix(args, "[") { // JSON form
		fields = regexp.MustCompile(`"([^"]*)"`).FindAllString(args, -1)
		for i := range fields {
			fields[i] = strings.Trim(fields[i], `"`)
		}
	}
	var rest []string
	for _, f := range fields {
		if v, ok := strings.CutPrefix(f, "--from="); ok {
			from = v
			continue
		}
		if strings.HasPrefix(f, "--") {
			continue
		}
		rest = append(rest, f)
	}
	if len(rest) < 2 {
		return nil, from
	}
	return rest[:len(rest)-1], from
}

func TestDockerfile(t *testing.T) {
	root := testbin.Root()
	stages := parseDockerfile(t, filepath.Join(root, "Dockerfile"))
	if len(stages) < 3 {
		t.Fatalf("want a multi-stage build (web app, binary, runtime), got %d stages", len(stages))
	}
	ignored := dockerignore(t, filepath.Join(root, ".dockerignore"))
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}

	names := map[string]int{}
	var web, build *stage
	for i, s := range stages {
		if s.name != "" {
			names[s.name] = i
		}
		run := s.joined("RUN")
		if strings.Contains(run, "make frontend") {
			web = s
		}
		if strings.Contains(run, "make build-go") {
			build = s
		}
		for _, in := range s.all("COPY") {
			sources, from := copySources(in.args)
			if from != "" {
				j, ok := names[from]
				if !ok || j >= i {
					t.Errorf("Dockerfile:%d: COPY --from=%s names no earlier stage", in.line, from)
				}
				continue
			}
			for _, src := range sources {
				rel := strings.TrimSuffix(src, "/")
				if rel == "." {
					continue
				}
				if _, err := os.Stat(filepath.Join(root, rel)); err != nil {
					t.Errorf("Dockerfile:%d: COPY source %q does not exist in the repository", in.line, src)
				}
				if ignored(rel) {
					t.Errorf("Dockerfile:%d: COPY source %q is excluded by .dockerignore", in.line, src)
				}
				if strings.Contains(rel, "pb_data") {
					t.Errorf("Dockerfile:%d: data (%s) must never be copied into the image", in.line, src)
				}
			}
		}
	}

	// the build stages run the Makefile's targets, which exist
	if web == nil || !strings.HasPrefix(web.image, "node:20") {
		t.Errorf("the web app must be built by `make frontend` in a node:20 stage")
	}
	if build == nil || !strings.HasPrefix(build.image, "golang:") {
		t.Fatalf("the binary must be built by `make build-go` in a golang stage")
	}
	if !strings.Contains(build.joined("ENV")+build.joined("ARG"), "GOTOOLCHAIN=go1.27.3") {
		t.Errorf("the golang stage must set GOTOOLCHAIN=go1.27.3")
	}
	for _, target := range []string{"frontend", "build-go"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(target) + `:`).Match(makefile) {
			t.Errorf("the Makefile has no %s target", target)
		}
	}
	if out, err := exec.Command("make", "-n", "-C", root, "build-go", "BIN=/out/campfire", "VERSION=docker").CombinedOutput(); err != nil {
		t.Errorf("make -n build-go: %v\n%s", err, out)
	} else if !strings.Contains(string(out), "go build") || !strings.Contains(string(out), "-o /out/campfire") {
		t.Errorf("make build-go does not build into BIN: %s", out)
	}

	// the runtime image
	final := stages[len(stages)-1]
	if !strings.Contains(final.image, "distroless") && !strings.Contains(final.image, "slim") {
		t.Errorf("the runtime image %q should be small (distroless or debian-slim)", final.image)
	}
	if user := final.joined("USER"); user == "" || regexp.MustCompile(`^(root|0)(:|$)`).MatchString(user) {
		t.Errorf("the runtime must run as a non-root user, USER is %q", user)
	}
	if vol := final.joined("VOLUME"); !strings.Contains(vol, "/pb_data") {
		t.Errorf("the data dir must be a volume at /pb_data, VOLUME is %q", vol)
	}
	if hc := final.joined("HEALTHCHECK"); !strings.Contains(hc, "/api/health") {
		t.Errorf("HEALTHCHECK must ask /api/health: %q", hc)
	}
	if hc := final.joined("HEALTHCHECK"); strings.Contains(hc, "curl") || strings.Contains(hc, "wget") {
		if !strings.Contains(final.image, "slim") {
			t.Errorf("HEALTHCHECK uses a tool the distroless image does not have: %q", hc)
		}
	}
	cmd := final.joined("ENTRYPOINT") + " " + final.joined("CMD")
	for _, want := range []string{"serve", "--http", "0.0.0.0:8080", "--dir", "/pb_data"} {
		if !strings.Contains(cmd, `"`+want+`"`) {
			t.Errorf("the container must run `serve --http 0.0.0.0:8080 --dir /pb_data`; ENTRYPOINT+CMD is %s", cmd)
			break
		}
	}
	if !strings.Contains(final.joined("EXPOSE"), "8080") {
		t.Errorf("EXPOSE 8080 is missing")
	}

	// never send data, dependencies or secrets to the build context
	for _, p := range []string{"pb_data", ".git", "frontend/node_modules", ".env"} {
		if !ignored(p) {
			t.Errorf(".dockerignore does not exclude %s", p)
		}
	}
}

// dockerignore returns a matcher for the simple patterns of a .dockerignore (exact paths, dir
// prefixes, **/ prefixes).
func dockerignore(t *testing.T, path string) func(string) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "!") {
			continue
		}
		patterns = append(patterns, strings.TrimPrefix(strings.TrimSuffix(line, "/"), "/"))
	}
	return func(p string) bool {
		parts := strings.Split(p, "/")
		for _, pat := range patterns {
			anyDepth := strings.HasPrefix(pat, "**/")
			pat = strings.TrimPrefix(pat, "**/")
			for i := range parts {
				if i > 0 && !anyDepth {
					break
				}
				for j := i + 1; j <= len(parts); j++ {
					if ok, _ := filepath.Match(pat, strings.Join(parts[i:j], "/")); ok {
						return true
					}
				}
			}
		}
		return false
	}
}
