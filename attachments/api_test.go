package attachments_test

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/pocketcampfire/campfire"
	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

const wait = 5 * time.Second

// post uploads a file to a room and returns the created message (failing the test otherwise).
func post(t *testing.T, base, token, roomID, filename string, data []byte) map[string]any {
	t.Helper()
	res := upload(t, base, token, map[string]string{"room": roomID}, filename, "application/octet-stream", data)
	if res.Status != http.StatusOK {
		t.Fatalf("upload %s: %d %s", filename, res.Status, res.Body)
	}
	return res.JSON(t)
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func TestUploadDescribesTheFile(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	tok := testkit.Token(t, w.Admin)

	data := pngBytes(t, 40, 30)
	res := upload(t, base, tok, map[string]string{
		"room": w.AllTalk.Id, "client_message_id": "up-1",
		// forged server-owned fields are ignored
		"attachment_name": "forged.exe", "attachment_size": "1", "attachment_type": "text/html",
		"kind": "text", "plain": "forged",
	}, "holiday photo.png", "text/html", data)
	if res.Status != http.StatusOK {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	m := res.JSON(t)
	if m["kind"] != "attachment" || m["attachment_name"] != "holiday photo.png" || m["attachment_type"] != "image/png" ||
		m["attachment_size"].(float64) != float64(len(data)) || m["attachment_width"].(float64) != 40 ||
		m["attachment_height"].(float64) != 30 || m["plain"] != "holiday photo.png" || m["client_message_id"] != "up-1" {
		t.Errorf("message: %s", res.Body)
	}
	stored := str(m, "attachment")
	if !strings.HasPrefix(stored, "holiday_photo_") || !strings.HasSuffix(stored, ".png") {
		t.Errorf("stored name %q is not PocketBase's normalized name", stored)
	}
	// the record API answer carries URLs with a fresh token of the caller
	au, tu := str(m, "attachment_url"), str(m, "thumb_url")
	if !strings.HasPrefix(au, "/api/files/messages/"+str(m, "id")+"/"+stored+"?token=") ||
		!strings.Contains(tu, "thumb="+attachments.Thumb) || !strings.Contains(tu, "token=") {
		t.Errorf("urls: %q %q", au, tu)
	}
	got := get(t, base, au)
	if got.Status != http.StatusOK || !bytes.Equal(got.Body, data) {
		t.Fatalf("download: %d", got.Status)
	}
	thumb := get(t, base, tu)
	if thumb.Status != http.StatusOK || thumb.Header.Get("Content-Type") != "image/png" {
		t.Errorf("thumb: %d %s", thumb.Status, thumb.Header.Get("Content-Type"))
	}

	// a retry with the same client_message_id returns the same message
	again := upload(t, base, tok, map[string]string{"room": w.AllTalk.Id, "client_message_id": "up-1"}, "other.png", "image/png", data)
	if again.Status != http.StatusOK || again.JSON(t)["id"] != m["id"] {
		t.Errorf("retry: %d %s", again.Status, again.Body)
	}

	// text goes in its own message; a message has one file
	withText := upload(t, base, tok, map[string]string{"room": w.AllTalk.Id, "body": "look at this"}, "a.png", "image/png", data)
	if withText.Status != http.StatusBadRequest || !strings.Contains(string(withText.Body), "own message") {
		t.Errorf("file with text: %d %s", withText.Status, withText.Body)
	}
	if empty := upload(t, base, tok, map[string]string{"room": w.AllTalk.Id}, "empty.txt", "text/plain", []byte{}); empty.Status != http.StatusBadRequest {
		t.Errorf("empty file: %d %s", empty.Status, empty.Body)
	}
}

// TestProtectedFileAccess is the access matrix of an attachment in a closed room: a member's file
// token opens it; no token, a non-member's token and another room's member's token do not (404, as
// PocketBase answers for protected files); neither does a token once the member has left.
func TestProtectedFileAccess(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol") // no membership in the secret room
	dan := w.User(t, "Dan")     // member of another closed room
	secret := w.Room(t, rooms.Closed, "Secret", w.Admin, bob)
	other := w.Room(t, rooms.Closed, "Other", dan)
	base := testkit.Serve(t, w.App)
	bobTok, carolTok, danTok := testkit.Token(t, bob), testkit.Token(t, carol), testkit.Token(t, dan)

	m := post(t, base, testkit.Token(t, w.Admin), secret.Id, "plan.png", pngBytes(t, 8, 8))
	path := "/api/files/messages/" + str(m, "id") + "/" + str(m, "attachment")
	danFile := post(t, base, danTok, other.Id, "dan.png", pngBytes(t, 8, 8))
	danPath := "/api/files/messages/" + str(danFile, "id") + "/" + str(danFile, "attachment")

	for _, c := range []struct {
		name string
		path string
		want int
	}{
		{"member", withToken(path, fileToken(t, base, bobTok)), http.StatusOK},
		{"member thumb", withToken(path+"?thumb="+attachments.Thumb, fileToken(t, base, bobTok)), http.StatusOK},
		{"signed out", path, http.StatusNotFound},
		{"signed out thumb", path + "?thumb=" + attachments.Thumb, http.StatusNotFound},
		{"non-member", withToken(path, fileToken(t, base, carolTok)), http.StatusNotFound},
		{"another room's member", withToken(path, fileToken(t, base, danTok)), http.StatusNotFound},
		{"another room's member, own room", withToken(danPath, fileToken(t, base, danTok)), http.StatusOK},
		{"auth token instead of file token", withToken(path, bobTok), http.StatusNotFound},
		{"garbage token", withToken(path, "x.y.z"), http.StatusNotFound},
	} {
		if res := get(t, base, c.path); res.Status != c.want {
			t.Errorf("%s: %d, want %d", c.name, res.Status, c.want)
		}
	}

	// a member who leaves loses access at once, with a token minted before
	bobFileTok := fileToken(t, base, bobTok)
	if _, err := rooms.RemoveMember(w.App, secret.Id, bob.Id); err != nil {
		t.Fatal(err)
	}
	if res := get(t, base, withToken(path, bobFileTok)); res.Status != http.StatusNotFound {
		t.Errorf("former member: %d, want 404", res.Status)
	}
}

// TestServedTypes: the served type comes from the bytes; only raster images (and audio, video) are
// inline; HTML, SVG, XML and scripts are octet-stream downloads whatever their names.
func TestServedTypes(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	tok := testkit.Token(t, w.Admin)
	ft := fileToken(t, base, tok)

	html := []byte("<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>")
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`)
	xml := []byte(`<?xml version="1.0"?><root><a>1</a></root>`)
	js := []byte("alert(document.cookie); // javascript\nfunction f() { return 1 }\n")
	for _, c := range []struct {
		name, filename string
		data           []byte
		storedType     string
		servedType     string
		inline         bool
	}{
		{"png named .txt", "notes.txt", pngBytes(t, 4, 4), "image/png", "image/png", true},
		{"html named .png", "cat.png", html, "text/html", "application/octet-stream", false},
		{"html named .html", "page.html", html, "text/html", "application/octet-stream", false},
		{"svg", "logo.svg", svg, "image/svg+xml", "application/octet-stream", false},
		{"svg named .png", "logo.png", svg, "image/svg+xml", "application/octet-stream", false},
		{"xml", "data.xml", xml, "text/xml", "application/octet-stream", false},
		{"script named .js", "app.js", js, "text/plain", "application/octet-stream", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := post(t, base, tok, w.AllTalk.Id, c.filename, c.data)
			if m["attachment_type"] != c.storedType {
				t.Errorf("attachment_type = %v, want %s", m["attachment_type"], c.storedType)
			}
			if (str(m, "thumb_url") != "") != (c.storedType == "image/png") {
				t.Errorf("thumb_url = %q", m["thumb_url"])
			}
			path := "/api/files/messages/" + str(m, "id") + "/" + str(m, "attachment")
			for _, p := range []string{path, path + "?thumb=" + attachments.Thumb, path + "?thumb=100x100"} {
				res := get(t, base, withToken(p, ft))
				if res.Status != http.StatusOK {
					t.Fatalf("%s: %d", p, res.Status)
				}
				ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition")
				if c.inline {
					if !strings.HasPrefix(ct, c.servedType) || !strings.HasPrefix(cd, "inline") {
						t.Errorf("%s: %s / %s, want %s inline", p, ct, cd, c.servedType)
					}
				} else if ct != c.servedType || !strings.HasPrefix(cd, "attachment") {
					t.Errorf("%s: %s / %s, want %s attachment", p, ct, cd, c.servedType)
				}
				if res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") {
					t.Errorf("%s: missing nosniff or sandbox: %v", p, res.Header)
				}
				if !strings.HasPrefix(res.Header.Get("Cache-Control"), "private") {
					t.Errorf("%s: Cache-Control %q", p, res.Header.Get("Cache-Control"))
				}
			}
			if !c.inline {
				return
			}
			// ?download=1 forces a download, named after the original file
			res := get(t, base, withToken(path+"?download=1", ft))
			if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, c.filename) {
				t.Errorf("download=1: %s", cd)
			}
		})
	}
}

func TestPixelFloodRefused(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	tok := testkit.Token(t, w.Admin)
	flood := floodPNG(100000, 100000) // a few dozen bytes declaring 10 gigapixels
	if len(flood) > 100 {
		t.Fatalf("flood file is %d bytes", len(flood))
	}
	for name, data := range map[string][]byte{"huge.png": flood, "wide.png": floodPNG(20000, 1)} {
		res := upload(t, base, tok, map[string]string{"room": w.AllTalk.Id}, name, "image/png", data)
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "validation_image_too_large") {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
	var count int
	_ = w.App.DB().NewQuery("SELECT COUNT(*) FROM messages").Row(&count)
	if count != 0 {
		t.Errorf("%d messages stored", count)
	}
}

func TestUploadLimit(t *testing.T) {
	w := testkit.Setup(t)
	attachments.SetUploadLimit(w.App, 1<<20) // before the server starts
	base := testkit.Serve(t, w.App)
	tok := testkit.Token(t, w.Admin)

	f, _ := w.App.FindCollectionByNameOrId("messages")
	if got := f.Fields.GetByName("attachment").(*core.FileField).MaxSize; got != 1<<20 {
		t.Errorf("field MaxSize = %d, want the limit", got)
	}
	if st := (testkit.Client{Base: base}).Do(t, http.MethodGet, "/api/campfire/status", nil).JSON(t); st["upload_limit"] != float64(1<<20) {
		t.Errorf("status upload_limit = %v", st["upload_limit"])
	}
	fits := bytes.Repeat([]byte("a"), 1<<20)
	if res := upload(t, base, tok, map[string]string{"room": w.AllTalk.Id}, "fits.txt", "text/plain", fits); res.Status != http.StatusOK {
		t.Errorf("exactly the limit: %d %s", res.Status, res.Body)
	}
	over := bytes.Repeat([]byte("a"), 1<<20+1)
	res := upload(t, base, tok, map[string]string{"room": w.AllTalk.Id}, "over.txt", "text/plain", over)
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "larger than the upload limit (1 MB)") {
		t.Errorf("one byte over: %d %s", res.Status, res.Body)
	}
	way := bytes.Repeat([]byte("a"), 3<<20)
	res = upload(t, base, tok, map[string]string{"room": w.AllTalk.Id}, "way.txt", "text/plain", way)
	if res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(res.Body), "larger than the upload limit (1 MB)") {
		t.Errorf("far over: %d %s", res.Status, res.Body)
	}
	var count int
	_ = w.App.DB().NewQuery("SELECT COUNT(*) FROM messages").Row(&count)
	if count != 1 {
		t.Errorf("%d messages stored, want 1", count)
	}
}

func TestUploadLimitFromEnv(t *testing.T) {
	t.Setenv(attachments.EnvUploadLimit, "3")
	w := testkit.Setup(t)
	testkit.Serve(t, w.App)
	if got := attachments.UploadLimit(w.App); got != 3<<20 {
		t.Errorf("limit = %d", got)
	}
	attachments.SetUploadLimit(w.App, 5<<20) // the Go option wins
	if got := attachments.UploadLimit(w.App); got != 5<<20 {
		t.Errorf("limit = %d", got)
	}
}

func TestFilenameSanitized(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	tok := testkit.Token(t, w.Admin)
	m := post(t, base, tok, w.AllTalk.Id, "..\\..\\secret\\inv\u202egpj.exe<img src=x onerror=alert(1)>.txt", []byte("hello"))
	name := str(m, "attachment_name")
	if name != "invgpj.exe_img src=x onerror=alert(1)_.txt" {
		t.Errorf("attachment_name = %q", name)
	}
	if m["plain"] != name {
		t.Errorf("plain %q != name %q", m["plain"], name)
	}
	stored := str(m, "attachment")
	for _, r := range stored {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("_.*-+=#", r)) { // PocketBase's safe set
			t.Fatalf("stored file name %q has %q", stored, r)
		}
	}
	res := get(t, base, withToken(str(m, "attachment_url")[:strings.Index(str(m, "attachment_url"), "?")], fileToken(t, base, tok)))
	cd := res.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment") || strings.ContainsAny(cd, "<>\\\u202e") {
		t.Errorf("Content-Disposition %q", cd)
	}
}

func TestAttachmentMessagesAreDeletedNotEdited(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	bobTok := testkit.Token(t, bob)
	c := testkit.Client{Base: base, Token: bobTok}
	m := post(t, base, bobTok, w.AllTalk.Id, "doc.txt", []byte("hello"))
	id := str(m, "id")

	if res := c.Do(t, http.MethodPatch, "/api/collections/messages/records/"+id, map[string]any{"body": "now text"}); res.Status != http.StatusNotFound {
		t.Errorf("edit an attachment message: %d %s, want 404", res.Status, res.Body)
	}
	// an admin cannot edit it either
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	if res := admin.Do(t, http.MethodPatch, "/api/collections/messages/records/"+id, map[string]any{"body": "x", "attachment_name": "y"}); res.Status != http.StatusNotFound {
		t.Errorf("admin edit: %d, want 404", res.Status)
	}
	// a text message cannot gain a file or forge its file fields by an edit
	text := w.Post(t, w.AllTalk, bob, "just text")
	patch := rawMultipartPatch(t, base, bobTok, text.Id, "sneaky.png", pngBytes(t, 4, 4))
	if patch.Status != http.StatusOK {
		t.Fatalf("patch text message: %d %s", patch.Status, patch.Body)
	}
	if pm := patch.JSON(t); pm["attachment"] != "" || pm["kind"] != "text" || pm["attachment_name"] != "" {
		t.Errorf("edit attached a file: %s", patch.Body)
	}

	ft := fileToken(t, base, bobTok)
	path := "/api/files/messages/" + id + "/" + str(m, "attachment")
	if res := c.Do(t, http.MethodDelete, "/api/collections/messages/records/"+id, nil); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	tomb, err := w.App.FindRecordById("messages", id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"attachment", "attachment_name", "attachment_type", "plain"} {
		if tomb.GetString(f) != "" {
			t.Errorf("tombstone keeps %s = %q", f, tomb.GetString(f))
		}
	}
	if res := get(t, base, withToken(path, ft)); res.Status != http.StatusNotFound {
		t.Errorf("deleted file still served: %d", res.Status)
	}
	fsys, _ := w.App.NewFilesystem()
	defer fsys.Close()
	if ok, _ := fsys.Exists(tomb.BaseFilesPath() + "/" + str(m, "attachment")); ok {
		t.Errorf("deleted file still stored")
	}
}

func rawMultipartPatch(t *testing.T, base, token, id, filename string, data []byte) testkit.Response {
	t.Helper()
	var body bytes.Buffer
	fmt.Fprintf(&body, "--XB\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nedited text\r\n")
	fmt.Fprintf(&body, "--XB\r\nContent-Disposition: form-data; name=\"attachment_name\"\r\n\r\nforged.png\r\n")
	fmt.Fprintf(&body, "--XB\r\nContent-Disposition: form-data; name=\"attachment\"; filename=%q\r\nContent-Type: image/png\r\n\r\n", filename)
	body.Write(data)
	body.WriteString("\r\n--XB--\r\n")
	return rawRequest(t, http.MethodPatch, base+"/api/collections/messages/records/"+id, token, "multipart/form-data; boundary=XB", body.Bytes())
}

// TestURLsInEveryAnswer: per-user answers (history, changes, search) carry URLs with the caller's
// token; realtime events carry them without a token, and the client's own token opens them.
func TestURLsInEveryAnswer(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	base := testkit.Serve(t, w.App)
	bobTok := testkit.Token(t, bob)
	c := testkit.Client{Base: base, Token: bobTok}

	s := testkit.Connect(t, base)
	if res := s.Subscribe(t, bobTok, realtime.RoomTopic(w.AllTalk.Id)); res.Status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}
	data := pngBytes(t, 16, 16)
	m := post(t, base, testkit.Token(t, w.Admin), w.AllTalk.Id, "Quarterly-Report.png", data)

	ev := s.WaitFor(t, "message.created", wait)
	live := ev.Data["message"].(map[string]any)
	au, tu := str(live, "attachment_url"), str(live, "thumb_url")
	wantPath := "/api/files/messages/" + str(m, "id") + "/" + str(m, "attachment")
	if au != wantPath || tu != wantPath+"?thumb="+attachments.Thumb || live["attachment_name"] != "Quarterly-Report.png" {
		t.Errorf("realtime urls: %q %q (%v)", au, tu, live)
	}
	if res := get(t, base, au); res.Status != http.StatusNotFound {
		t.Errorf("tokenless realtime URL opens the file: %d", res.Status)
	}
	ft := fileToken(t, base, bobTok)
	if res := get(t, base, withToken(au, ft)); res.Status != http.StatusOK || !bytes.Equal(res.Body, data) {
		t.Errorf("realtime URL + own token: %d", res.Status)
	}
	if res := get(t, base, withToken(tu, ft)); res.Status != http.StatusOK {
		t.Errorf("realtime thumb URL + own token: %d", res.Status)
	}

	check := func(where string, item map[string]any) {
		t.Helper()
		au := str(item, "attachment_url")
		if !strings.HasPrefix(au, wantPath+"?token=") {
			t.Errorf("%s: attachment_url %q", where, au)
			return
		}
		if res := get(t, base, au); res.Status != http.StatusOK {
			t.Errorf("%s: its URL answers %d", where, res.Status)
		}
		if res := get(t, base, str(item, "thumb_url")); res.Status != http.StatusOK {
			t.Errorf("%s: its thumb URL answers %d", where, res.Status)
		}
	}
	first := func(m map[string]any, key string) map[string]any {
		list, _ := m[key].([]any)
		if len(list) == 0 {
			t.Fatalf("no %s in %v", key, m)
		}
		return list[0].(map[string]any)
	}
	check("history", first(c.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/messages", nil).JSON(t), "items"))
	check("changes", first(c.Do(t, http.MethodGet, "/api/campfire/rooms/"+w.AllTalk.Id+"/changes?since=0", nil).JSON(t), "messages"))
	check("record view", c.Do(t, http.MethodGet, "/api/collections/messages/records/"+str(m, "id"), nil).JSON(t))

	// search finds the attachment by its file name
	found := c.Do(t, http.MethodGet, "/api/campfire/search?q=quarterly+report", nil).JSON(t)
	hit := first(found, "items")
	if hit["id"] != m["id"] || !strings.Contains(str(hit, "snippet"), "<mark>") {
		t.Errorf("search hit: %v", hit)
	}
	check("search", hit)

	// a text message has the URL fields, empty
	text := w.Post(t, w.AllTalk, bob, "plain words")
	item := c.Do(t, http.MethodGet, "/api/collections/messages/records/"+text.Id, nil).JSON(t)
	if v, ok := item["attachment_url"]; !ok || v != "" || item["thumb_url"] != "" || item["preview_image_url"] != "" {
		t.Errorf("text message url fields: %v", item)
	}
}

func TestNonImageHasNoThumbAndReadsBack(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	tok := testkit.Token(t, w.Admin)
	m := post(t, base, tok, w.AllTalk.Id, "notes.txt", []byte("some notes"))
	if str(m, "thumb_url") != "" || m["attachment_width"].(float64) != 0 || m["attachment_type"] != "text/plain" {
		t.Errorf("text file: %v", m)
	}
	img := post(t, base, tok, w.AllTalk.Id, "big.png", pngBytes(t, 1600, 900))
	res := get(t, base, str(img, "thumb_url"))
	cfg, err := png.DecodeConfig(bytes.NewReader(res.Body))
	if err != nil || cfg.Width > 1200 || cfg.Height > 800 {
		t.Errorf("thumb: %v %dx%d", err, cfg.Width, cfg.Height)
	}
}

// TestModelPathWithCaption: other sources (the bot API) may give a file a caption; the file is still
// described from its bytes and found by its name.
func TestModelPathWithCaption(t *testing.T) {
	w := testkit.Setup(t)
	col, _ := w.App.FindCachedCollectionByNameOrId("messages")
	msg := core.NewRecord(col)
	msg.Set("room", w.AllTalk.Id)
	msg.Set("creator", w.Admin.Id)
	msg.Set("body", "the <b>numbers</b>")
	f, _ := filesystem.NewFileFromBytes(pngBytes(t, 5, 5), "sales\u202e.png")
	msg.Set("attachment", f)
	msg.Set("attachment_type", "text/html") // trusted code still cannot forge the description
	if err := w.App.Save(msg); err != nil {
		t.Fatal(err)
	}
	if msg.GetString("kind") != "attachment" || msg.GetString("attachment_type") != "image/png" ||
		msg.GetString("attachment_name") != "sales.png" || msg.GetString("plain") != "the numbers\nsales.png" {
		t.Errorf("message: %v", msg.PublicExport())
	}
	base := testkit.Serve(t, w.App)
	found := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}.Do(t, http.MethodGet, "/api/campfire/search?q=sales", nil).JSON(t)
	if items, _ := found["items"].([]any); len(items) != 1 {
		t.Errorf("search by name: %v", found)
	}
	flood := core.NewRecord(col)
	flood.Set("room", w.AllTalk.Id)
	flood.Set("creator", w.Admin.Id)
	ff, _ := filesystem.NewFileFromBytes(floodPNG(60000, 60000), "flood.png")
	flood.Set("attachment", ff)
	if err := w.App.Save(flood); err == nil {
		t.Error("a pixel flood saved through the model path")
	}
}

func TestWithUploadLimitOption(t *testing.T) {
	app := campfire.New(campfire.WithPocketBaseConfig(pocketbase.Config{DefaultDataDir: t.TempDir()}),
		campfire.WithoutJSHooks(), campfire.WithoutWebApp(), campfire.WithUploadLimit(7<<20))
	if got := attachments.UploadLimit(app); got != 7<<20 {
		t.Errorf("limit = %d, want 7 MB", got)
	}
}
