package attachments_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketcampfire/campfire/testkit"
)

// upload posts a multipart message (fields plus one file under "attachment") as token.
func upload(t *testing.T, base, token string, fields map[string]string, filename, clientType string, data []byte) testkit.Response {
	t.Helper()
	return testkit.Client{Base: base, Token: token}.Upload(t, "/api/collections/messages/records", fields, "attachment", filename, clientType, data)
}

func rawRequest(t *testing.T, method, url, token, contentType string, body []byte) testkit.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return testkit.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// get fetches a path (with its query) from the server, signed out.
func get(t *testing.T, base, path string) testkit.Response {
	t.Helper()
	return rawRequest(t, http.MethodGet, base+path, "", "", nil)
}

// fileToken asks the server for a file token as the holder of an auth token.
func fileToken(t *testing.T, base, authToken string) string {
	t.Helper()
	res := testkit.Client{Base: base, Token: authToken}.Do(t, http.MethodPost, "/api/files/token", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("file token: %d %s", res.Status, res.Body)
	}
	return res.JSON(t)["token"].(string)
}

// withToken appends token to a URL path that may already have a query.
func withToken(path, token string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "token=" + token
}

// pngBytes is a real w x h PNG.
func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// floodPNG is a tiny, well-formed PNG header that declares a w x h image (a pixel flood).
func floodPNG(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		buf.WriteString(typ)
		buf.Write(data)
		binary.Write(&buf, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return buf.Bytes()
}
