package pwa_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/pwa"
	"github.com/pocketcampfire/campfire/testkit"
)

func getManifest(t *testing.T, base string) pwa.Manifest {
	t.Helper()
	res := testkit.Client{Base: base}.Do(t, http.MethodGet, "/manifest.webmanifest", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("manifest: %d %s", res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); ct != pwa.ContentType {
		t.Errorf("Content-Type %q", ct)
	}
	var m pwa.Manifest
	if err := json.Unmarshal(res.Body, &m); err != nil {
		t.Fatalf("manifest is not JSON: %v", err)
	}
	return m
}

func TestManifestWithOurIcons(t *testing.T) {
	app := testkit.NewApp(t) // before the first run: the default name
	base := testkit.Serve(t, app)
	m := getManifest(t, base)
	if m.Name != accounts.DefaultName || m.Display != "standalone" || m.StartURL != "/" || m.Scope != "/" || m.ID != "/" {
		t.Errorf("manifest %+v", m)
	}
	if m.ThemeColor == "" || m.ColorSchemeDark.ThemeColor == "" || m.ColorSchemeDark.ThemeColor == m.ThemeColor {
		t.Errorf("theme colours: %q / %+v", m.ThemeColor, m.ColorSchemeDark)
	}
	if len(m.Shortcuts) != 2 || m.Shortcuts[0].URL != pwa.ShortcutNewRoom || m.Shortcuts[1].URL != pwa.ShortcutProfile {
		t.Errorf("shortcuts %+v", m.Shortcuts)
	}
	purposes := map[string]bool{}
	for _, ic := range append(m.Icons, m.Shortcuts[0].Icons...) {
		purposes[ic.Purpose+" "+ic.Sizes] = true
		res := testkit.Client{Base: base}.Do(t, http.MethodGet, ic.Src, nil)
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d %s", ic.Src, res.Status, res.Header.Get("Content-Type"))
		}
		img, err := png.Decode(bytes.NewReader(res.Body))
		if err != nil || img.Bounds().Dx()*img.Bounds().Dy() == 0 || ic.Sizes != "" && ic.Sizes != sizeOf(img) {
			t.Errorf("%s: %v, %s declared %s", ic.Src, err, sizeOf(img), ic.Sizes)
		}
	}
	for _, want := range []string{"any 192x192", "any 512x512", "maskable 512x512"} {
		if !purposes[want] {
			t.Errorf("no %s icon: %v", want, purposes)
		}
	}
	for _, p := range []string{"/icons/nope.png", "/icons/..%2Fassets.go"} {
		if res := (testkit.Client{Base: base}).Do(t, http.MethodGet, p, nil); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.Status)
		}
	}
}

func TestManifestFromTheAccount(t *testing.T) {
	w := testkit.Setup(t)
	acc, err := accounts.Find(w.App)
	if err != nil {
		t.Fatal(err)
	}
	var logo bytes.Buffer
	_ = png.Encode(&logo, image.NewRGBA(image.Rect(0, 0, 600, 600)))
	f, err := filesystem.NewFileFromBytes(logo.Bytes(), "logo.png")
	if err != nil {
		t.Fatal(err)
	}
	acc.Set("name", "Pocket Campfire Engineering")
	acc.Set("logo", f)
	if err := w.App.Save(acc); err != nil {
		t.Fatal(err)
	}
	base := testkit.Serve(t, w.App)
	m := getManifest(t, base)
	if m.Name != "Pocket Campfire Engineering" || m.ShortName != "Pocket" {
		t.Errorf("names %q / %q", m.Name, m.ShortName)
	}
	if len(m.Icons) != 3 {
		t.Fatalf("icons %+v", m.Icons)
	}
	for _, ic := range m.Icons {
		if !strings.HasPrefix(ic.Src, "/api/files/") || !strings.Contains(ic.Src, "thumb="+ic.Sizes) {
			t.Errorf("icon %+v", ic)
		}
		res := testkit.Client{Base: base}.Do(t, http.MethodGet, ic.Src, nil)
		img, err := png.Decode(bytes.NewReader(res.Body))
		if res.Status != http.StatusOK || err != nil || sizeOf(img) != ic.Sizes {
			t.Errorf("%s: %d %v", ic.Src, res.Status, err)
		}
	}
}

func sizeOf(img image.Image) string {
	if img == nil {
		return ""
	}
	b := img.Bounds()
	return strconv.Itoa(b.Dx()) + "x" + strconv.Itoa(b.Dy())
}
