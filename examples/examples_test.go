// Package examples_test runs the examples against real binaries: the JS hooks in examples/pb_hooks
// loaded by `campfire serve --hooksDir examples/pb_hooks`, and examples/embed built and serving its
// own route.
package examples_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketcampfire/campfire/internal/testbin"
	"github.com/pocketcampfire/campfire/jsvm"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testbin.RemoveAll()
	os.Exit(code)
}

func post(t *testing.T, base, token, room, body string) testbin.Response {
	t.Helper()
	return testbin.MustDo(t, http.MethodPost, base+"/api/collections/messages/records", token, map[string]string{"room": room, "body": body})
}

func count(t *testing.T, base, token string) float64 {
	t.Helper()
	r := testbin.MustDo(t, http.MethodGet, base+"/api/collections/messages/records?perPage=1", token, nil)
	n, _ := r.JSON(t)["totalItems"].(float64)
	return n
}

var rollResult = regexp.MustCompile(`^🎲 /roll (\d+)d(\d+) → ([\d +]+) = (\d+)$`)

func TestJSHookExamples(t *testing.T) {
	bin := testbin.Build(t, "./cmd/campfire")
	dir := t.TempDir()
	srv := testbin.Serve(t, bin, filepath.Join(dir, "pb_data"), nil,
		"--hooksDir", filepath.Join(testbin.Root(), "examples", "pb_hooks"), "--postLimit", "off")
	token, room := testbin.FirstRun(t, srv.URL)

	t.Run("roll replaces the message with the result", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			r := post(t, srv.URL, token, room, "/roll 2d6")
			if r.Status != http.StatusOK {
				t.Fatal(srv.Errorf("roll: %d %s", r.Status, r.Body))
			}
			msg := r.JSON(t)
			plain, _ := msg["plain"].(string)
			m := rollResult.FindStringSubmatch(plain)
			if m == nil || m[1] != "2" || m[2] != "6" {
				t.Fatalf("roll answered %q (body %q)", plain, msg["body"])
			}
			sum := 0
			parts := strings.Split(m[3], " + ")
			if len(parts) != 2 {
				t.Fatalf("two dice expected in %q", plain)
			}
			for _, p := range parts {
				n, _ := strconv.Atoi(strings.TrimSpace(p))
				if n < 1 || n > 6 {
					t.Fatalf("a d6 rolled %d in %q", n, plain)
				}
				sum += n
			}
			if total, _ := strconv.Atoi(m[4]); total != sum {
				t.Fatalf("total %d != %d in %q", total, sum, plain)
			}
			if body, _ := msg["body"].(string); !strings.Contains(body, "🎲") {
				t.Fatalf("body not rewritten: %q", body)
			}
		}
		// the stored message is the rewritten one, and search finds it by its new text
		search := testbin.MustDo(t, http.MethodGet, srv.URL+"/api/campfire/search?q=roll", token, nil)
		if search.Status != http.StatusOK || !bytes.Contains(search.Body, []byte("🎲")) {
			t.Fatalf("search for the roll: %d %s", search.Status, search.Body)
		}
	})

	t.Run("a bad roll is a clear 400", func(t *testing.T) {
		r := post(t, srv.URL, token, room, "/roll 500d6")
		if r.Status != http.StatusBadRequest || !bytes.Contains(r.Body, []byte("Roll 1 to 100 dice")) {
			t.Fatalf("bad roll: %d %s", r.Status, r.Body)
		}
	})

	t.Run("the word filter refuses with a clear 400", func(t *testing.T) {
		before := count(t, srv.URL, token)
		r := post(t, srv.URL, token, room, "<div>Well, <b>SMEG</b> it all</div>")
		if r.Status != http.StatusBadRequest {
			t.Fatalf("filtered word: %d %s", r.Status, r.Body)
		}
		if msg, _ := r.JSON(t)["message"].(string); msg != `Please keep it civil: "smeg" is not allowed here.` {
			t.Fatalf("message %q", msg)
		}
		if after := count(t, srv.URL, token); after != before {
			t.Fatalf("a refused message was stored: %v messages before, %v after", before, after)
		}
		// a word that merely contains a blocked one passes
		if r := post(t, srv.URL, token, room, "the smegmatic transfer works"); r.Status != http.StatusOK {
			t.Fatalf("an innocent word was refused: %d %s", r.Status, r.Body)
		}
	})

	t.Run("ordinary messages pass untouched", func(t *testing.T) {
		r := post(t, srv.URL, token, room, "hello world")
		if r.Status != http.StatusOK || r.JSON(t)["plain"] != "hello world" {
			t.Fatalf("plain message: %d %s", r.Status, r.Body)
		}
	})
}

// The declarations shipped with the examples are the ones the binary writes to pb_data.
func TestExampleTypesMatch(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join(testbin.Root(), "examples", "pb_hooks", jsvm.TypesFileName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shipped, jsvm.Types) {
		t.Fatal("examples/pb_hooks/campfire.d.ts differs from jsvm/campfire.d.ts: copy it over")
	}
}

func TestEmbedExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testbin.Root(), "examples", "embed", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := bytes.Count(src, []byte("\n")); lines >= 20 {
		t.Fatalf("examples/embed/main.go has %d lines; keep it under 20", lines)
	}
	bin := testbin.Build(t, "./examples/embed")
	srv := testbin.Serve(t, bin, filepath.Join(t.TempDir(), "pb_data"), nil)
	res, err := http.Get(srv.URL + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(body) != "Hello from my Campfire!\n" {
		t.Fatalf("/hello: %d %q", res.StatusCode, body)
	}
	// Campfire is all there: its API answers next to the new route
	status := testbin.MustDo(t, http.MethodGet, srv.URL+"/api/campfire/status", "", nil)
	if status.Status != http.StatusOK || status.JSON(t)["setup_required"] != true {
		t.Fatalf("status: %d %s", status.Status, status.Body)
	}
}
