// Command soundgen synthesizes Campfire's /play sounds from scratch.
//
// Every sound is an original composition built from oscillators, envelopes,
// noise and filters (see dsp.go and instruments.go); none is sampled from or
// modelled on an existing recording. Output is deterministic: the only
// randomness is a PRNG seeded from the sound's name.
//
// It writes one 16-bit mono WAV per sound into -out; tools/soundgen/generate.sh
// turns those into the MP3s committed under sounds/files/.
//
//	go run ./tools/soundgen -out /tmp/wav            # all sounds
//	go run ./tools/soundgen -out /tmp/wav -only tada,bell
//	go run ./tools/soundgen -list
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const (
	minSeconds = 0.4
	maxSeconds = 4.0
	peakLevel  = 0.89 // about -1 dBFS
	targetRMS  = 0.17 // keeps dense sounds from being louder than sparse ones
)

func names() []string {
	ns := make([]string, 0, len(recipes))
	for n := range recipes {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}

// render produces the final, normalised samples for one sound.
func render(name string) ([]float64, error) {
	mk, ok := recipes[name]
	if !ok {
		return nil, fmt.Errorf("unknown sound %q", name)
	}
	b := mk(newRng(name))
	b.filter(highpass, 25, 0.7) // remove DC and sub-sonic rumble

	// Trim trailing near-silence, then fade the edges.
	p := b.peak()
	if p == 0 || math.IsNaN(p) || math.IsInf(p, 0) {
		return nil, fmt.Errorf("%s: silent or invalid signal", name)
	}
	end := len(b)
	for end > 0 && math.Abs(b[end-1]) < p*0.002 {
		end--
	}
	b = b[:min(len(b), end+sampleRate*3/100)]
	fade := sampleRate / 50
	for i := 0; i < fade && i < len(b); i++ {
		b[len(b)-1-i] *= float64(i) / float64(fade)
	}
	for i := 0; i < 32 && i < len(b); i++ {
		b[i] *= float64(i) / 32
	}

	if s := b.seconds(); s < minSeconds || s > maxSeconds {
		return nil, fmt.Errorf("%s: %.2fs long, want %.1f–%.1fs", name, s, minSeconds, maxSeconds)
	}
	g := math.Min(peakLevel/b.peak(), targetRMS/b.rms())
	return b.scale(g), nil
}

// writeWAV writes 16-bit PCM mono at sampleRate.
func writeWAV(w io.Writer, s []float64) error {
	bw := bufio.NewWriter(w)
	data := uint32(2 * len(s))
	hdr := []any{
		[4]byte{'R', 'I', 'F', 'F'}, 36 + data, [4]byte{'W', 'A', 'V', 'E'},
		[4]byte{'f', 'm', 't', ' '}, uint32(16), uint16(1), uint16(1),
		uint32(sampleRate), uint32(sampleRate * 2), uint16(2), uint16(16),
		[4]byte{'d', 'a', 't', 'a'}, data,
	}
	for _, v := range hdr {
		if err := binary.Write(bw, binary.LittleEndian, v); err != nil {
			return err
		}
	}
	for _, v := range s {
		x := math.Round(math.Max(-1, math.Min(1, v)) * 32767)
		if err := binary.Write(bw, binary.LittleEndian, int16(x)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func run() error {
	out := flag.String("out", "", "directory to write <name>.wav files into")
	only := flag.String("only", "", "comma-separated sound names (default: all)")
	list := flag.Bool("list", false, "print the sound names and exit")
	flag.Parse()

	if *list {
		for _, n := range names() {
			fmt.Println(n)
		}
		return nil
	}
	if *out == "" {
		return fmt.Errorf("-out is required")
	}
	todo := names()
	if *only != "" {
		todo = strings.Split(*only, ",")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, n := range todo {
		s, err := render(n)
		if err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(*out, n+".wav"))
		if err != nil {
			return err
		}
		if err := writeWAV(f, s); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Printf("%-14s %.2fs\n", n, float64(len(s))/sampleRate)
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "soundgen:", err)
		os.Exit(1)
	}
}
