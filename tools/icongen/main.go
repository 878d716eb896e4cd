// Command icongen draws Campfire's fallback app icons (a flame on a slate tile, the favicon's design)
// with Go's image packages and writes them as PNGs into assets/icons, where package assets embeds
// them. Run it from the repository root after changing the drawing:
//
//	go run ./tools/icongen
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log"
	"os"
	"path/filepath"

	"golang.org/x/image/vector"
)

// Icon is one file to generate.
type Icon struct {
	Name string
	Size int
	Kind string // "any" (rounded tile), "maskable" (full bleed, flame in the safe zone), "badge" (white flame)
}

// Icons lists every generated icon.
var Icons = []Icon{
	{"icon-192.png", 192, "any"},
	{"icon-512.png", 512, "any"},
	{"maskable-192.png", 192, "maskable"},
	{"maskable-512.png", 512, "maskable"},
	{"badge-96.png", 96, "badge"},
}

var (
	slate = color.RGBA{0x2f, 0x3b, 0x52, 0xff}
	amber = color.RGBA{0xf5, 0x9e, 0x0b, 0xff}
	pale  = color.RGBA{0xfd, 0xe6, 0x8a, 0xff}
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

func main() {
	out := flag.String("out", "assets/icons", "output directory")
	flag.Parse()
	for _, ic := range Icons {
		data, err := Render(ic)
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*out, ic.Name), data, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Println("wrote", filepath.Join(*out, ic.Name))
	}
}

// Render draws one icon and encodes it as PNG (deterministic: the same bytes every run).
func Render(ic Icon) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, ic.Size, ic.Size))
	// drawing units: the favicon's 32×32 view box, scaled and moved per kind
	s := float32(ic.Size) / 32
	var scale, dx, dy float32
	switch ic.Kind {
	case "any":
		scale, dx, dy = s, 0, 0
		fill(img, roundedRect(32*s, 7*s), slate)
	case "maskable":
		// full bleed; the flame keeps inside the central 80 % circle (the maskable safe zone)
		fill(img, rect(float32(ic.Size)), slate)
		// (the flame spans y 5..25 of the view box: centre it on 15)
		scale = s * 0.8
		dx, dy = (float32(ic.Size)-32*scale)/2, (float32(ic.Size)-32*scale)/2+scale
	case "badge":
		scale = s * 1.25
		dx, dy = (float32(ic.Size)-32*scale)/2, (float32(ic.Size)-32*scale)/2+scale
	default:
		return nil, fmt.Errorf("unknown icon kind %q", ic.Kind)
	}
	outer, inner := amber, pale
	if ic.Kind == "badge" {
		outer = white
	}
	fill(img, flameOuter(scale, dx, dy), outer)
	if ic.Kind != "badge" {
		fill(img, flameInner(scale, dx, dy), inner)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// A path is a list of drawing steps on a rasterizer.
type path func(r *vector.Rasterizer)

func fill(img *image.RGBA, p path, c color.RGBA) {
	b := img.Bounds()
	r := vector.NewRasterizer(b.Dx(), b.Dy())
	r.DrawOp = draw.Over
	p(r)
	r.Draw(img, b, image.NewUniform(c), image.Point{})
}

func rect(size float32) path {
	return func(r *vector.Rasterizer) {
		r.MoveTo(0, 0)
		r.LineTo(size, 0)
		r.LineTo(size, size)
		r.LineTo(0, size)
		r.ClosePath()
	}
}

// kappa makes a cubic Bézier approximate a quarter circle.
const kappa = 0.5522848

func roundedRect(size, radius float32) path {
	k := radius * kappa
	return func(r *vector.Rasterizer) {
		r.MoveTo(radius, 0)
		r.LineTo(size-radius, 0)
		r.CubeTo(size-radius+k, 0, size, radius-k, size, radius)
		r.LineTo(size, size-radius)
		r.CubeTo(size, size-radius+k, size-radius+k, size, size-radius, size)
		r.LineTo(radius, size)
		r.CubeTo(radius-k, size, 0, size-radius+k, 0, size-radius)
		r.LineTo(0, radius)
		r.CubeTo(0, radius-k, radius-k, 0, radius, 0)
		r.ClosePath()
	}
}

// flameOuter is the favicon's outer flame,
// "M16 5c2 5 7 7 7 13a7 7 0 0 1-14 0c0-3 2-5 3-7 0 3 1 4 2 4 0-4 1-7 2-10z", in absolute terms.
func flameOuter(scale, dx, dy float32) path {
	return func(r *vector.Rasterizer) {
		p := func(x, y float32) (float32, float32) { return dx + x*scale, dy + y*scale }
		cube := func(x1, y1, x2, y2, x, y float32) {
			a, b := p(x1, y1)
			c, d := p(x2, y2)
			e, f := p(x, y)
			r.CubeTo(a, b, c, d, e, f)
		}
		r.MoveTo(p(16, 5))
		cube(18, 10, 23, 12, 23, 18)
		// the bottom half circle: centre (16, 18), radius 7
		cube(23, 18+7*kappa, 16+7*kappa, 25, 16, 25)
		cube(16-7*kappa, 25, 9, 18+7*kappa, 9, 18)
		cube(9, 15, 11, 13, 12, 11)
		cube(12, 14, 13, 15, 14, 15)
		cube(14, 11, 15, 8, 16, 5)
		r.ClosePath()
	}
}

// flameInner is the favicon's core, "M16 15c1 2 3 3 3 5a3 3 0 0 1-6 0c0-2 2-3 3-5z".
func flameInner(scale, dx, dy float32) path {
	return func(r *vector.Rasterizer) {
		p := func(x, y float32) (float32, float32) { return dx + x*scale, dy + y*scale }
		cube := func(x1, y1, x2, y2, x, y float32) {
			a, b := p(x1, y1)
			c, d := p(x2, y2)
			e, f := p(x, y)
			r.CubeTo(a, b, c, d, e, f)
		}
		r.MoveTo(p(16, 15))
		cube(17, 17, 19, 18, 19, 20)
		cube(19, 20+3*kappa, 16+3*kappa, 23, 16, 23)
		cube(16-3*kappa, 23, 13, 20+3*kappa, 13, 20)
		cube(13, 18, 15, 17, 16, 15)
		r.ClosePath()
	}
}
