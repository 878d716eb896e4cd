package testkit

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

// Upload sends a multipart request as the client: the form fields, plus one file (name, bytes and the
// client-declared type) under field when data is not nil. It is how a browser posts an attachment:
//
//	res := c.Upload(t, "/api/collections/messages/records", map[string]string{"room": id},
//		"attachment", "notes.txt", "text/plain", []byte("hello"))
func (c Client) Upload(t testing.TB, path string, fields map[string]string, field, filename, clientType string, data []byte) Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if data != nil {
		h := textproto.MIMEHeader{}
		quote := strings.NewReplacer("\\", "\\\\", `"`, "\\\"")
		h.Set("Content-Disposition", `form-data; name="`+quote.Replace(field)+`"; filename="`+quote.Replace(filename)+`"`)
		h.Set("Content-Type", clientType)
		part, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.Base+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(t, req)
}

// Items returns the "items" array of a list answer (PocketBase's and Campfire's), each item a map; nil
// when the body has none.
func (r Response) Items(t testing.TB) []map[string]any {
	t.Helper()
	raw, _ := r.JSON(t)["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
