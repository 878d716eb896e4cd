package attachments_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/pocketcampfire/campfire/attachments"
)

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":                     "report.pdf",
		"Résumé 2024.docx":               "Résumé 2024.docx",
		"../../etc/passwd":               "passwd",
		`..\..\windows\evil.exe`:         "evil.exe",
		"a\u202egpj.exe":                 "agpj.exe", // right-to-left override dropped
		"zero\u200bwidth.txt":            "zerowidth.txt",
		"new\nline\tand\x00nul.txt":      "new line andnul.txt",
		`<script>alert(1)</script>.html`: "script_.html", // "/" cuts: the last segment only
		`what?: "quoted" | star*.txt`:    "what__ _quoted_ _ star_.txt",
		"  ..hidden.  ":                  "hidden",
		"":                               "file",
		"...":                            "file",
		"\xff\xfe":                       "file",
	} {
		if got := attachments.CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("é", 500) + ".tar.gz"
	got := attachments.CleanName(long)
	if utf8.RuneCountInString(got) > attachments.MaxNameRunes || !strings.HasSuffix(got, ".gz") {
		t.Errorf("long name: %d runes, %q", utf8.RuneCountInString(got), got[len(got)-10:])
	}
}

func fileOf(t *testing.T, data []byte, name string) *filesystem.File {
	t.Helper()
	f, err := filesystem.NewFileFromBytes(data, name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestInspectSniffsAndMeasures(t *testing.T) {
	info, err := attachments.Inspect(fileOf(t, pngBytes(t, 30, 20), "picture.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Type != "image/png" || info.Width != 30 || info.Height != 20 || info.Name != "picture.txt" {
		t.Errorf("png named .txt: %+v", info)
	}
	info, err = attachments.Inspect(fileOf(t, []byte("<!DOCTYPE html><html><body><script>alert(1)</script>"), "cat.png"))
	if err != nil || info.Type != "text/html" || info.Width != 0 {
		t.Errorf("html named .png: %+v %v", info, err)
	}
	info, err = attachments.Inspect(fileOf(t, []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "x.svg"))
	if err != nil || info.Type != "image/svg+xml" {
		t.Errorf("svg: %+v %v", info, err)
	}
}

func TestInspectRefusesPixelFloods(t *testing.T) {
	for _, dims := range [][2]uint32{{100000, 100000}, {20000, 1}, {1, 16385}, {8000, 7000}} {
		_, err := attachments.Inspect(fileOf(t, floodPNG(dims[0], dims[1]), "flood.png"))
		if !sameError(err, attachments.ErrPixelFlood) {
			t.Errorf("%dx%d: %v, want ErrPixelFlood", dims[0], dims[1], err)
		}
	}
	if _, err := attachments.Inspect(fileOf(t, floodPNG(7000, 7000), "ok.png")); err != nil {
		t.Errorf("49 MP is allowed: %v", err)
	}
	broken := append([]byte("\x89PNG\r\n\x1a\n"), []byte("garbage garbage garbage")...)
	if _, err := attachments.Inspect(fileOf(t, broken, "broken.png")); !sameError(err, attachments.ErrUnreadableImage) {
		t.Errorf("broken png: %v", err)
	}
}

// sameError compares validation errors by code (they hold a map, so errors.Is cannot).
func sameError(err error, want validation.Error) bool {
	var got validation.Error
	return errors.As(err, &got) && got.Code() == want.Code()
}

func TestInlineSafe(t *testing.T) {
	for ct, want := range map[string]bool{
		"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "video/mp4": true,
		"audio/mpeg": true, "image/svg+xml": false, "text/html; charset=utf-8": false, "text/xml": false,
		"application/xml": false, "application/xhtml+xml": false, "application/pdf": false,
		"text/javascript": false, "text/plain": false, "": false, "application/octet-stream": false,
	} {
		if got := attachments.InlineSafe(ct); got != want {
			t.Errorf("InlineSafe(%q) = %v", ct, got)
		}
	}
}

func TestParseLimitMB(t *testing.T) {
	if v, ok, err := attachments.ParseLimitMB("20"); !ok || err != nil || v != 20<<20 {
		t.Errorf("20: %d %v %v", v, ok, err)
	}
	for _, bad := range []string{"0", "-1", "abc", "1.5", "999999999"} {
		if _, ok, err := attachments.ParseLimitMB(bad); ok || err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	t.Setenv(attachments.EnvUploadLimit, "7")
	if v, ok, err := attachments.LimitFromEnv(); !ok || err != nil || v != 7<<20 {
		t.Errorf("env: %d %v %v", v, ok, err)
	}
}

func TestFileURLEscapes(t *testing.T) {
	col := core.NewBaseCollection("messages")
	rec := core.NewRecord(col)
	rec.Id = "abc123"
	got := attachments.FileURL(rec, "a_b#c.txt", attachments.Thumb, "tok en")
	want := "/api/files/messages/abc123/a_b%23c.txt?thumb=1200x800f&token=tok+en"
	if got != want {
		t.Errorf("FileURL = %q, want %q", got, want)
	}
}
