package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// The committed icons are exactly what the generator draws (run `go run ./tools/icongen` after a change).
func TestCommittedIconsAreUpToDate(t *testing.T) {
	for _, ic := range Icons {
		want, err := Render(ic)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", "..", "assets", "icons", ic.Name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output: run go run ./tools/icongen", ic.Name)
		}
		img, err := png.Decode(bytes.NewReader(got))
		if err != nil || img.Bounds().Dx() != ic.Size || img.Bounds().Dy() != ic.Size {
			t.Errorf("%s: %v %v", ic.Name, err, img.Bounds())
		}
		// maskable icons are opaque to the edge; the others have transparent corners
		_, _, _, a := img.At(0, 0).RGBA()
		if (ic.Kind == "maskable") != (a == 0xffff) {
			t.Errorf("%s: corner alpha %#x", ic.Name, a)
		}
	}
}
