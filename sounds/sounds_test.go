package sounds

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const (
	maxFileSize  = 64 << 10
	maxTotalSize = 1536 << 10
)

func TestCatalogSize(t *testing.T) {
	if n := len(All()); n < 40 {
		t.Fatalf("only %d sounds, want at least 40", n)
	}
}

func TestCatalogSortedUniqueAndTidy(t *testing.T) {
	all := All()
	valid := regexp.MustCompile(`^[a-z0-9]+$`)
	for i, s := range all {
		if !valid.MatchString(s.Name) {
			t.Errorf("name %q: want lowercase letters and digits only", s.Name)
		}
		if i > 0 && all[i-1].Name >= s.Name {
			t.Errorf("catalog not sorted/unique at %q after %q", s.Name, all[i-1].Name)
		}
		if strings.TrimSpace(s.Text) == "" || len([]rune(s.Text)) > 60 {
			t.Errorf("%s: caption %q should be short and non-empty", s.Name, s.Text)
		}
	}
}

func TestAllReturnsACopy(t *testing.T) {
	a := All()
	a[0].Name = "changed"
	if All()[0].Name == "changed" {
		t.Fatal("All exposes the catalog")
	}
}

func TestEveryEntryHasAFileAndEveryFileAnEntry(t *testing.T) {
	for _, s := range All() {
		if _, err := fs.Stat(FS(), FileName(s.Name)); err != nil {
			t.Errorf("%s: no file: %v", s.Name, err)
		}
	}
	entries, err := fs.ReadDir(FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(All()) {
		t.Errorf("%d files for %d catalog entries", len(entries), len(All()))
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".mp3")
		if !ok || e.IsDir() {
			t.Errorf("unexpected entry %q in files/", e.Name())
			continue
		}
		if _, ok := Lookup(name); !ok {
			t.Errorf("file %s has no catalog entry", e.Name())
		}
	}
}

func TestFilesAreSmallValidMP3s(t *testing.T) {
	total := 0
	for _, s := range All() {
		b, ok := Bytes(s.Name)
		if !ok {
			t.Errorf("%s: Bytes failed", s.Name)
			continue
		}
		total += len(b)
		if len(b) >= maxFileSize {
			t.Errorf("%s: %d bytes, want < %d", s.Name, len(b), maxFileSize)
		}
		if !startsLikeMP3(b) {
			t.Errorf("%s: does not start with an ID3 tag or an MPEG audio frame sync: % x", s.Name, b[:min(4, len(b))])
			continue
		}
		secs, err := mp3Duration(b)
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		if secs < 0.3 || secs > 4.3 {
			t.Errorf("%s: %.2fs long, want about 0.4–4s", s.Name, secs)
		}
	}
	if total > maxTotalSize {
		t.Errorf("sounds total %d bytes, want <= %d", total, maxTotalSize)
	}
	t.Logf("%d sounds, %d KB in total", len(All()), total/1024)
}

func TestLookup(t *testing.T) {
	s, ok := Lookup("tada")
	if !ok || s.Name != "tada" || s.Text == "" {
		t.Fatalf("Lookup(tada) = %+v, %v", s, ok)
	}
	for _, name := range []string{"Tada", "TADA", "tada ", " tada", "tada.mp3", "", "nope", "../sounds", "files/tada.mp3"} {
		if s, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", name, s)
		}
	}
}

func TestOpen(t *testing.T) {
	f, err := Open("rimshot")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Bytes("rimshot")
	if info.Size() != int64(len(want)) {
		t.Errorf("Stat size %d, Bytes %d", info.Size(), len(want))
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		t.Fatal("file is not an io.ReadSeeker (needed by http.ServeContent)")
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rs)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("Open and Bytes disagree (err %v)", err)
	}

	for _, name := range []string{"nope", "Rimshot", "rimshot.mp3", "../sounds.go", ""} {
		if f, err := Open(name); err == nil {
			f.Close()
			t.Errorf("Open(%q) succeeded", name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q): %v, want fs.ErrNotExist", name, err)
		}
		if _, ok := Bytes(name); ok {
			t.Errorf("Bytes(%q) succeeded", name)
		}
	}
}

func TestBytesReturnsACopy(t *testing.T) {
	a, _ := Bytes("bell")
	a[0] ^= 0xff
	b, _ := Bytes("bell")
	if a[0] == b[0] {
		t.Fatal("Bytes exposes the embedded data")
	}
}

func TestParseCommand(t *testing.T) {
	for text, want := range map[string]string{
		"/play tada":        "tada",
		"  /play   56k \n":  "56k",
		"/play\ttrombone":   "trombone",
		"/play Tada":        "",
		"/play":             "",
		"/play ":            "",
		"/playtada":         "",
		"/play tada now":    "",
		"please /play tada": "",
		"/PLAY tada":        "",
		"/play nope":        "",
		"tada":              "",
	} {
		s, ok := ParseCommand(text)
		if ok != (want != "") || s.Name != want {
			t.Errorf("ParseCommand(%q) = %+v, %v; want %q", text, s, ok, want)
		}
	}
}

func TestContentType(t *testing.T) {
	if ContentType != "audio/mpeg" {
		t.Fatal(ContentType)
	}
}

// startsLikeMP3 reports whether b begins with an ID3v2 tag or an MPEG audio
// frame sync (11 set bits).
func startsLikeMP3(b []byte) bool {
	if bytes.HasPrefix(b, []byte("ID3")) {
		return true
	}
	return len(b) >= 4 && b[0] == 0xff && b[1]&0xe0 == 0xe0
}

// mp3Duration walks every MPEG-1/2/2.5 Layer III frame of b (after an
// optional ID3v2 tag, before an optional ID3v1 tag) and returns the playing
// time. Any byte that is not part of a well-formed frame is an error.
func mp3Duration(b []byte) (float64, error) {
	if bytes.HasPrefix(b, []byte("ID3")) && len(b) >= 10 {
		size := int(b[6]&0x7f)<<21 | int(b[7]&0x7f)<<14 | int(b[8]&0x7f)<<7 | int(b[9]&0x7f)
		b = b[10+size:]
	}
	if len(b) >= 128 && bytes.HasPrefix(b[len(b)-128:], []byte("TAG")) {
		b = b[:len(b)-128]
	}
	bitrates := map[bool][]int{ // kbit/s, by "is MPEG-1"
		true:  {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
		false: {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
	}
	rates := map[byte][]int{3: {44100, 48000, 32000}, 2: {22050, 24000, 16000}, 0: {11025, 12000, 8000}}
	secs, frames := 0.0, 0
	var rate0 int
	for off := 0; off < len(b); {
		h := b[off:]
		if len(h) < 4 || h[0] != 0xff || h[1]&0xe0 != 0xe0 {
			return 0, fmt.Errorf("no frame sync at offset %d (after %d frames)", off, frames)
		}
		version, layer := (h[1]>>3)&3, (h[1]>>1)&3
		if version == 1 || layer != 1 {
			return 0, fmt.Errorf("frame %d: not MPEG Layer III", frames)
		}
		mpeg1 := version == 3
		br := bitrates[mpeg1][h[2]>>4]
		ri := (h[2] >> 2) & 3
		if br == 0 || ri == 3 {
			return 0, fmt.Errorf("frame %d: bad bitrate or sample rate", frames)
		}
		rate := rates[version][ri]
		if frames == 0 {
			rate0 = rate
		} else if rate != rate0 {
			return 0, fmt.Errorf("frame %d: sample rate changes", frames)
		}
		pad := int(h[2]>>1) & 1
		samples, coef := 576, 72
		if mpeg1 {
			samples, coef = 1152, 144
		}
		size := coef*br*1000/rate + pad
		if off+size > len(b) {
			return 0, fmt.Errorf("frame %d truncated", frames)
		}
		off += size
		frames++
		secs += float64(samples) / float64(rate)
	}
	if frames < 2 {
		return 0, errors.New("no audio frames")
	}
	return secs, nil
}

func TestMP3DurationRejectsGarbage(t *testing.T) {
	good, _ := Bytes("tada")
	for name, b := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("hello, this is not an mp3 file at all"),
		"truncated": good[:len(good)-7],
		"junk tail": append(slices.Clone(good), 1, 2, 3, 4, 5),
	} {
		if _, err := mp3Duration(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
