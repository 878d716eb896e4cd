package messages_test

import (
	"bytes"
	"encoding/json/jsontext"
	"encoding/json/v2"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/sounds"
	"github.com/pocketcampfire/campfire/testkit"
)

const testToken = "file-token-123"

// itemWorld is a room holding every kind of history item: plain text with characters JSON escapes,
// a mention, boosts, a sound, an image, a non-image file, a link preview with its image, a creator
// row that is gone, no creator at all, and a tombstone.
type itemWorld struct {
	w          *testkit.World
	bob, carol *core.Record
	byName     map[string]*core.Record
}

func newItemWorld(t *testing.T) *itemWorld {
	t.Helper()
	w := testkit.Setup(t)
	iw := &itemWorld{w: w, bob: w.User(t, "Bob"), carol: w.User(t, "Carol"), byName: map[string]*core.Record{}}
	app := w.App
	post := func(name string, creator *core.Record, body string) *core.Record {
		m := w.Post(t, w.AllTalk, creator, body)
		iw.byName[name] = m
		return m
	}
	post("text", w.Admin, `Hello <b>all</b> & "friends" <3 \ é 😀`)
	post("mention", iw.bob, `<span class="mention" data-user-id="`+iw.carol.Id+`">@Carol</span> look`)
	boosted := post("boosted", iw.carol, "boost me")
	i := 0
	for _, b := range []struct {
		who     *core.Record
		content string
	}{{iw.bob, "👍"}, {w.Admin, "nice one!"}, {iw.carol, "🔥"}} {
		i++
		col, _ := app.FindCachedCollectionByNameOrId("boosts")
		r := core.NewRecord(col)
		r.Set("message", boosted.Id)
		r.Set("booster", b.who.Id)
		r.Set("content", b.content)
		if err := app.Save(r); err != nil {
			t.Fatalf("boost: %v", err)
		}
		// the same millisecond would order them by id
		exec(t, app, fmt.Sprintf("UPDATE boosts SET created = '2026-01-01 00:00:0%d.000Z' WHERE id = {:id}", i), r.Id)
	}
	sound := post("sound", iw.bob, "/play "+sounds.All()[0].Name)
	// an edit time of its own, and dates in a layout PocketBase reads but does not write
	exec(t, app, `UPDATE messages SET updated = '2026-03-04 05:06:07.089Z' WHERE id = {:id}`, sound.Id)
	exec(t, app, `UPDATE messages SET created = '2026-01-02T03:04:05Z' WHERE id = {:id}`, boosted.Id)
	iw.attach(t, "image", pngBytes(t), "pic.png")
	iw.attach(t, "file", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), "report.pdf")
	preview := post("preview", w.Admin, "see https://example.com/page")
	exec(t, app, `UPDATE messages SET preview_url = 'https://example.com/page', preview_title = 'A page',
		preview_description = 'About <things>' || char(10, 1, 9, 8232) || '"q"' || CAST(X'FF41' AS TEXT),
		preview_image = 'card_abc123.png' WHERE id = {:id}`, preview.Id)
	ghost := post("ghost", iw.bob, "my user row is gone")
	exec(t, app, `UPDATE messages SET creator = 'nosuchuser0000' WHERE id = {:id}`, ghost.Id)
	nobody := post("nobody", iw.bob, "nobody wrote this")
	exec(t, app, `UPDATE messages SET creator = '' WHERE id = {:id}`, nobody.Id)
	gone := post("deleted", iw.bob, "delete me")
	messages.MarkDeleted(gone)
	if err := app.Save(gone); err != nil {
		t.Fatalf("tombstone: %v", err)
	}
	post("last", iw.carol, "the newest")
	return iw
}

func (iw *itemWorld) attach(t *testing.T, name string, data []byte, filename string) {
	t.Helper()
	col, _ := iw.w.App.FindCachedCollectionByNameOrId("messages")
	f, err := filesystem.NewFileFromBytes(data, filename)
	if err != nil {
		t.Fatal(err)
	}
	m := core.NewRecord(col)
	m.Set("room", iw.w.AllTalk.Id)
	m.Set("creator", iw.carol.Id)
	m.Set("attachment", f)
	if err := iw.w.App.Save(m); err != nil {
		t.Fatalf("attach %s: %v", filename, err)
	}
	iw.byName[name] = m
}

func exec(t *testing.T, app core.App, sql, id string) {
	t.Helper()
	if _, err := app.DB().NewQuery(sql).Bind(dbx.Params{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 30, 20))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// asJSON encodes v as an API answer does (router.Event.JSON's options) and decodes it generically.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// recordItems is the reference: the messages as records through Decorate and the URL signing the
// record path uses.
func recordItems(t *testing.T, app core.App, where dbx.Expression, order string) []any {
	t.Helper()
	var recs []*core.Record
	if err := app.RecordQuery("messages").AndWhere(where).OrderBy(order).All(&recs); err != nil {
		t.Fatal(err)
	}
	if err := messages.Decorate(app, recs); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		attachments.SetURLs(r, testToken)
	}
	return asJSON(t, recs).([]any)
}

// sameBytes holds an AppendJSON result to json.Marshal's bytes of the same value.
func sameBytes(t *testing.T, what string, appended []byte, v any) {
	t.Helper()
	want, err := json.Marshal(v, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(appended, want) {
		n := 0
		for n < len(appended) && n < len(want) && appended[n] == want[n] {
			n++
		}
		t.Errorf("%s: AppendJSON differs from json.Marshal at byte %d:\n got %.120s\nwant %.120s", what, n, appended[n:], want[n:])
	}
}

// sameItems compares two lists of encoded items field by field.
func sameItems(t *testing.T, what string, got, want []any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d items, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i].(map[string]any), want[i].(map[string]any)
		for _, k := range union(g, w) {
			gv, gok := g[k]
			wv, wok := w[k]
			if gok != wok || !reflect.DeepEqual(gv, wv) {
				t.Errorf("%s: item %d (%v) field %q = %#v (present %v), want %#v (present %v)", what, i, w["plain"], k, gv, gok, wv, wok)
			}
		}
	}
}

func union(a, b map[string]any) []string {
	var ks []string
	for k := range a {
		ks = append(ks, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

func liveInRoom(room string) dbx.Expression {
	return dbx.And(dbx.HashExp{"room": room}, dbx.NewExp("deleted_at = ''"))
}

// The fields of a history item that docs/api-contract.md documents and the web app reads.
var documentedItemFields = []string{
	"id", "collectionId", "collectionName", "room", "creator", "body", "plain", "client_message_id", "kind",
	"sound", "attachment", "mentions", "number", "seq", "deleted_at", "created", "updated", "boosts",
	"attachment_name", "attachment_size", "attachment_type", "attachment_width", "attachment_height",
	"attachment_url", "thumb_url", "preview_url", "preview_title", "preview_description", "preview_image",
	"preview_image_url",
}

var numberFields = []string{"number", "seq", "attachment_size", "attachment_width", "attachment_height"}

func TestHistoryItemsMatchDecoratedRecords(t *testing.T) {
	iw := newItemWorld(t)
	app := iw.w.App
	col, _ := app.FindCachedCollectionByNameOrId("messages")
	if diff := messages.ItemShapeDiff(col); diff != "" {
		t.Fatalf("HistoryItem no longer matches the messages collection (%s): add the field to HistoryItem, itemFields and itemSelect", diff)
	}
	page, err := messages.HistoryItems(app, iw.w.AllTalk.Id, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		if it.Record() != nil {
			t.Fatalf("the record fallback served item %s", it.ID)
		}
	}
	messages.SignItemsWith(app, page.Items, testToken)
	sameBytes(t, "history page", page.AppendJSON(nil), page)
	got := asJSON(t, page).(map[string]any)
	if got["has_more"] != false {
		t.Errorf("has_more = %v", got["has_more"])
	}
	items := got["items"].([]any)
	sameItems(t, "history", items, recordItems(t, app, liveInRoom(iw.w.AllTalk.Id), "number ASC"))

	byID := map[string]map[string]any{}
	for _, it := range items {
		m := it.(map[string]any)
		byID[m["id"].(string)] = m
	}
	if _, ok := byID[iw.byName["deleted"].Id]; ok {
		t.Errorf("the tombstone is in history")
	}
	// the documented shape, whatever the reference does
	for name, rec := range iw.byName {
		if name == "deleted" {
			continue
		}
		it := byID[rec.Id]
		if it == nil {
			t.Fatalf("%s: missing from history", name)
		}
		want := slices.Clone(documentedItemFields)
		if name != "ghost" && name != "nobody" {
			want = append(want, "expand")
		}
		if keys := union(it, nil); !slices.Equal(keys, sorted(want)) {
			t.Errorf("%s: fields %v, want %v", name, keys, sorted(want))
		}
		for _, k := range want {
			switch {
			case k == "mentions" || k == "boosts":
				if _, ok := it[k].([]any); !ok {
					t.Errorf("%s: %s = %#v, want a list", name, k, it[k])
				}
			case k == "expand":
				c, _ := it[k].(map[string]any)["creator"].(map[string]any)
				if keys := union(c, nil); !slices.Equal(keys, []string{"avatar", "collectionId", "collectionName", "id", "name", "role"}) || c["id"] != rec.GetString("creator") {
					t.Errorf("%s: expand.creator = %#v", name, c)
				}
			case slices.Contains(numberFields, k):
				if _, ok := it[k].(float64); !ok {
					t.Errorf("%s: %s = %#v, want a number", name, k, it[k])
				}
			default:
				if _, ok := it[k].(string); !ok {
					t.Errorf("%s: %s = %#v, want a string", name, k, it[k])
				}
			}
		}
		if it["deleted_at"] != "" {
			t.Errorf("%s: deleted_at = %#v, want \"\"", name, it["deleted_at"])
		}
	}

	text := byID[iw.byName["text"].Id]
	if text["attachment_url"] != "" || text["thumb_url"] != "" || text["preview_image_url"] != "" || len(text["mentions"].([]any)) != 0 {
		t.Errorf("text item: %v", text)
	}
	if !strings.Contains(text["body"].(string), "&amp;") || text["expand"].(map[string]any)["creator"].(map[string]any)["name"] != "Ada Admin" {
		t.Errorf("text item body/creator: %v", text)
	}
	if m := byID[iw.byName["mention"].Id]["mentions"].([]any); len(m) != 1 || m[0] != iw.carol.Id {
		t.Errorf("mentions = %v, want [%s]", m, iw.carol.Id)
	}
	boosts := byID[iw.byName["boosted"].Id]["boosts"].([]any)
	if len(boosts) != 3 {
		t.Fatalf("boosts = %v", boosts)
	}
	for i, want := range []struct{ content, booster, name string }{{"👍", iw.bob.Id, "Bob"}, {"nice one!", iw.w.Admin.Id, "Ada Admin"}, {"🔥", iw.carol.Id, "Carol"}} {
		b := boosts[i].(map[string]any)
		booster, _ := b["booster"].(map[string]any)
		if b["content"] != want.content || b["message"] != iw.byName["boosted"].Id || booster["id"] != want.booster ||
			booster["name"] != want.name || b["id"] == "" || b["created"] == "" || len(b) != 5 || len(booster) != 2 {
			t.Errorf("boost %d = %v, want %s by %s", i, b, want.content, want.name)
		}
	}
	if s := byID[iw.byName["sound"].Id]; s["kind"] != "sound" || s["sound"] != sounds.All()[0].Name {
		t.Errorf("sound item: kind %v sound %v", s["kind"], s["sound"])
	}
	img := byID[iw.byName["image"].Id]
	if img["kind"] != "attachment" || img["attachment_type"] != "image/png" || img["attachment_width"] != 30.0 ||
		!strings.Contains(img["attachment_url"].(string), "token="+testToken) ||
		!strings.Contains(img["thumb_url"].(string), "thumb=1200x800f") {
		t.Errorf("image item: %v", img)
	}
	file := byID[iw.byName["file"].Id]
	if file["thumb_url"] != "" || !strings.HasPrefix(file["attachment_url"].(string), "/api/files/messages/"+file["id"].(string)+"/") {
		t.Errorf("file item: %v", file)
	}
	if p := byID[iw.byName["preview"].Id]; p["preview_image_url"] == "" || p["attachment_url"] != "" || p["preview_title"] != "A page" {
		t.Errorf("preview item: %v", p)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func TestHistoryItemsPaging(t *testing.T) {
	w := testkit.Setup(t)
	for i := 1; i <= 30; i++ {
		w.Post(t, w.AllTalk, w.Admin, fmt.Sprintf("message %d", i))
	}
	app := w.App
	var numbers []int64
	if err := app.DB().NewQuery("SELECT number FROM messages WHERE room = {:r} ORDER BY number").
		Bind(dbx.Params{"r": w.AllTalk.Id}).Column(&numbers); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		before, after int64
		limit         int
	}{{0, 0, 0}, {0, 0, 7}, {numbers[20], 0, 5}, {numbers[3], 0, 10}, {0, numbers[2], 4}, {0, numbers[25], 10}, {0, 0, 1000}, {numbers[0], 0, 0}} {
		page, err := messages.HistoryItems(app, w.AllTalk.Id, c.before, c.after, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := messages.History(app, w.AllTalk.Id, c.before, c.after, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		for _, r := range ref.Items {
			want = append(want, r.Id)
		}
		if !slices.Equal(got, want) || page.HasMore != ref.HasMore {
			t.Errorf("%+v: %v has_more %v, want %v has_more %v", c, got, page.HasMore, want, ref.HasMore)
		}
		// inside a transaction the queries run on the transaction
		err = app.RunInTransaction(func(tx core.App) error {
			txPage, err := messages.HistoryItems(tx, w.AllTalk.Id, c.before, c.after, c.limit)
			if err != nil {
				return err
			}
			var txGot []string
			for _, it := range txPage.Items {
				txGot = append(txGot, it.ID)
			}
			if !slices.Equal(txGot, want) {
				t.Errorf("%+v in a transaction: %v, want %v", c, txGot, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestChangesMatchDecoratedRecords(t *testing.T) {
	iw := newItemWorld(t)
	app := iw.w.App
	for _, since := range []int64{0, iw.byName["image"].GetInt64("seq")} {
		cs, err := messages.Changes(app, iw.w.AllTalk.Id, since)
		if err != nil {
			t.Fatal(err)
		}
		messages.SignItemsWith(app, cs.Messages, testToken)
		sameBytes(t, "change set", cs.AppendJSON(nil), cs)
		where := dbx.And(dbx.HashExp{"room": iw.w.AllTalk.Id}, dbx.NewExp("seq > {:s}", dbx.Params{"s": since}), dbx.NewExp("deleted_at = ''"))
		sameItems(t, fmt.Sprintf("changes since %d", since), asJSON(t, cs.Messages).([]any), recordItems(t, app, where, "seq ASC"))
		if !slices.Equal(cs.Deleted, []string{iw.byName["deleted"].Id}) {
			t.Errorf("since %d: deleted = %v", since, cs.Deleted)
		}
		var maxSeq int64
		_ = app.DB().NewQuery("SELECT MAX(seq) FROM messages").Row(&maxSeq)
		if cs.Seq != maxSeq || cs.HasMore {
			t.Errorf("since %d: seq %d has_more %v, want %d false", since, cs.Seq, cs.HasMore, maxSeq)
		}
	}
}

// A messages collection changed under HistoryItem (a field added, or one hidden) is served through the
// records, so the answer keeps every visible field.
func TestHistoryItemsFollowASchemaChange(t *testing.T) {
	iw := newItemWorld(t)
	app := iw.w.App
	col, err := app.FindCollectionByNameOrId("messages")
	if err != nil {
		t.Fatal(err)
	}
	col.Fields.Add(&core.TextField{Name: "mood"})
	col.Fields.GetByName("plain").SetHidden(true)
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	exec(t, app, `UPDATE messages SET mood = 'sunny' WHERE id = {:id}`, iw.byName["text"].Id)
	cached, _ := app.FindCachedCollectionByNameOrId("messages")
	if diff := messages.ItemShapeDiff(cached); !strings.Contains(diff, "mood") || !strings.Contains(diff, "plain") {
		t.Errorf("shape diff = %q", diff)
	}

	page, err := messages.HistoryItems(app, iw.w.AllTalk.Id, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	messages.SignItemsWith(app, page.Items, testToken)
	var appended map[string]any
	if err := json.Unmarshal(page.AppendJSON(nil), &appended); err != nil {
		t.Fatal(err)
	}
	items := asJSON(t, page.Items).([]any)
	sameItems(t, "appended history after a schema change", appended["items"].([]any), items)
	sameItems(t, "history after a schema change", items, recordItems(t, app, liveInRoom(iw.w.AllTalk.Id), "number ASC"))
	for _, it := range items {
		m := it.(map[string]any)
		if _, ok := m["plain"]; ok {
			t.Fatalf("a hidden field is in an item: %v", m)
		}
		if m["id"] == iw.byName["text"].Id && m["mood"] != "sunny" {
			t.Errorf("a new field is missing: %v", m)
		}
	}

	cs, err := messages.Changes(app, iw.w.AllTalk.Id, 0)
	if err != nil {
		t.Fatal(err)
	}
	messages.SignItemsWith(app, cs.Messages, testToken)
	where := dbx.And(dbx.HashExp{"room": iw.w.AllTalk.Id}, dbx.NewExp("deleted_at = ''"))
	sameItems(t, "changes after a schema change", asJSON(t, cs.Messages).([]any), recordItems(t, app, where, "seq ASC"))
	if !slices.Equal(cs.Deleted, []string{iw.byName["deleted"].Id}) {
		t.Errorf("deleted = %v", cs.Deleted)
	}
}
