package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"slices"
	"strings"
	"testing"
)

// Every recipe renders to a sane, bounded signal.
func TestRenderAll(t *testing.T) {
	if testing.Short() {
		t.Skip("renders every sound")
	}
	if len(recipes) < 40 {
		t.Fatalf("%d recipes, want at least 40", len(recipes))
	}
	for _, n := range names() {
		s, err := render(n)
		if err != nil {
			t.Error(err)
			continue
		}
		for i, v := range s {
			if v != v || v > 1 || v < -1 {
				t.Errorf("%s: sample %d = %v", n, i, v)
				break
			}
		}
	}
}

// Rendering is deterministic, so regenerating gives the same WAVs.
func TestDeterministic(t *testing.T) {
	for _, n := range []string{"crickets", "tada", "yay"} {
		var a, b bytes.Buffer
		for _, w := range []*bytes.Buffer{&a, &b} {
			s, err := render(n)
			if err != nil {
				t.Fatal(err)
			}
			if err := writeWAV(w, s); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two renders differ", n)
		}
		w := a.Bytes()
		if !bytes.HasPrefix(w, []byte("RIFF")) || len(w) < 44 || int(binary.LittleEndian.Uint32(w[40:])) != len(w)-44 {
			t.Errorf("%s: malformed WAV", n)
		}
	}
}

// The committed MP3s are exactly the recipes (run generate.sh after edits).
func TestCommittedFilesMatchRecipes(t *testing.T) {
	entries, err := os.ReadDir("../../sounds/files")
	if err != nil {
		t.Skip(err)
	}
	var files []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".mp3"); ok {
			files = append(files, n)
		}
	}
	if !slices.Equal(files, names()) {
		t.Errorf("sounds/files has %v\nrecipes are %v", files, names())
	}
}
