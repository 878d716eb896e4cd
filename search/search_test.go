package search_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/search"
	"github.com/pocketcampfire/campfire/testkit"
)

func TestBuildQueryQuotesEverything(t *testing.T) {
	cases := map[string]string{
		"run fox":                `"run" "fox"`,
		`say "hi"`:               `"say" """hi"""`,
		"NEAR(a b) OR c*":        `"NEAR(a" "b)" "OR" "c*"`,
		"- * ^ ( ) :":            ``,
		"col:value":              `"col:value"`,
		"   ":                    ``,
		"a\x00b":                 `"ab"`,
		"Café":                   `"Café"`,
		strings.Repeat("w ", 40): strings.TrimSpace(strings.Repeat(`"w" `, search.MaxTerms)),
	}
	for in, want := range cases {
		if got := search.BuildQuery(in); got != want {
			t.Errorf("BuildQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzBuildQuery(f *testing.F) {
	for _, s := range []string{"hello", `"x" OR y`, "NEAR(a,b)", "a* -b", "\x00\"\"", "日本語 テキスト"} {
		f.Add(s)
	}
	w := testkit.Setup(f)
	w.Post(f, w.AllTalk, w.Admin, "the quick brown fox")
	f.Fuzz(func(t *testing.T, in string) {
		if _, err := search.Run(w.App, w.Admin, in); err != nil {
			t.Fatalf("Run(%q): %v", in, err)
		}
	})
}

func searchFor(t *testing.T, c testkit.Client, q string) testkit.Response {
	t.Helper()
	return c.Do(t, http.MethodGet, "/api/campfire/search?q="+url.QueryEscape(q), nil)
}

func ids(t *testing.T, res testkit.Response) []string {
	t.Helper()
	var out []string
	for _, it := range res.JSON(t)["items"].([]any) {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

func TestSearchScopedStemmedNewestFirst(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	secret := w.Room(t, rooms.Closed, "Secret", w.Admin, carol)
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}

	old := w.Post(t, w.AllTalk, w.Admin, "We were running late")
	newer := w.Post(t, w.AllTalk, carol, "She runs every morning")
	hidden := w.Post(t, secret, carol, "running in secret")

	res := searchFor(t, bobC, "run")
	if res.Status != http.StatusOK {
		t.Fatalf("search: %d %s", res.Status, res.Body)
	}
	got := ids(t, res)
	if len(got) != 2 || got[0] != newer.Id || got[1] != old.Id {
		t.Fatalf("search run = %v, want [%s %s] (stemmed, newest first, no closed room)", got, newer.Id, old.Id)
	}
	first := res.JSON(t)["items"].([]any)[0].(map[string]any)
	if !strings.Contains(first["snippet"].(string), "<mark>runs</mark>") || first["expand"].(map[string]any)["creator"] == nil {
		t.Errorf("item shape: %v", first)
	}
	for _, id := range got {
		if id == hidden.Id {
			t.Fatal("search leaked a closed room")
		}
	}
	// an invisible room leaves search
	m, _ := rooms.FindMembership(w.App, w.AllTalk.Id, bob.Id)
	m.Set("involvement", rooms.Invisible)
	if err := w.App.Save(m); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, searchFor(t, bobC, "run")); len(got) != 0 {
		t.Errorf("invisible room still searched: %v", got)
	}
}

func TestSearchHostileInput(t *testing.T) {
	w := testkit.Setup(t)
	w.Post(t, w.AllTalk, w.Admin, `quotes "inside" and <b>tags</b> & stuff`)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	for _, q := range []string{`"`, `"""`, `inside"`, `NEAR(`, `a OR`, `*`, `plain:quotes`, `'; DROP TABLE messages; --`,
		`) OR 1=1 --`, "\x00", `{:q}`, `^quotes`, `quotes NOT`, `<script>alert(1)</script>`, strings.Repeat("(", 300)} {
		res := searchFor(t, c, q)
		if res.Status != http.StatusOK {
			t.Errorf("search %q: %d %s", q, res.Status, res.Body)
		}
	}
	if res := searchFor(t, c, `inside"`); len(ids(t, res)) != 1 {
		t.Errorf("quoted word not found: %s", res.Body)
	}
	res := searchFor(t, c, "tags")
	if sn := res.JSON(t)["items"].([]any)[0].(map[string]any)["snippet"].(string); strings.Contains(sn, "<b>") || !strings.Contains(sn, "&amp;") {
		t.Errorf("snippet not escaped: %q", sn)
	}
	if res := searchFor(t, c, "   "); res.Status != http.StatusBadRequest {
		t.Errorf("blank query: %d, want 400", res.Status)
	}
	if res := (testkit.Client{Base: base}).Do(t, http.MethodGet, "/api/campfire/search?q=x", nil); res.Status != http.StatusUnauthorized {
		t.Errorf("signed-out search: %d, want 401", res.Status)
	}
	var n int
	_ = w.App.DB().NewQuery("SELECT COUNT(*) FROM messages").Row(&n)
	if n != 1 {
		t.Fatal("messages table damaged")
	}
}

func TestSearchFollowsEditsAndDeletes(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	m := w.Post(t, w.AllTalk, w.Admin, "apples are red")
	if got := ids(t, searchFor(t, c, "apples")); len(got) != 1 {
		t.Fatalf("not indexed: %v", got)
	}
	c.Do(t, http.MethodPatch, "/api/collections/messages/records/"+m.Id, map[string]any{"body": "bananas are yellow"})
	if got := ids(t, searchFor(t, c, "apples")); len(got) != 0 {
		t.Errorf("old text still found after edit: %v", got)
	}
	if got := ids(t, searchFor(t, c, "banana")); len(got) != 1 {
		t.Errorf("new text not found after edit: %v", got)
	}
	c.Do(t, http.MethodDelete, "/api/collections/messages/records/"+m.Id, nil)
	if got := ids(t, searchFor(t, c, "banana")); len(got) != 0 {
		t.Errorf("deleted message found: %v", got)
	}
	var check string
	if err := w.App.DB().NewQuery("INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)").Row(&check); err != nil && !strings.Contains(err.Error(), "no rows") {
		t.Errorf("FTS integrity check: %v", err)
	}
}

func TestRecentSearchesKeepTen(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	for i := 0; i < 12; i++ {
		searchFor(t, c, "query"+string(rune('a'+i)))
	}
	searchFor(t, c, "querya") // again: deduplicated
	list := c.Do(t, http.MethodGet, "/api/collections/searches/records?perPage=50", nil).JSON(t)
	if n := int(list["totalItems"].(float64)); n != 10 {
		t.Errorf("%d recent searches, want 10", n)
	}
	if res := c.Do(t, http.MethodDelete, "/api/campfire/searches", nil); res.Status != http.StatusNoContent {
		t.Errorf("clear: %d", res.Status)
	}
	list = c.Do(t, http.MethodGet, "/api/collections/searches/records", nil).JSON(t)
	if n := int(list["totalItems"].(float64)); n != 0 {
		t.Errorf("%d searches after clearing", n)
	}
}

// reference is the search as it was written before Run encoded rows itself: the membership join,
// the records loaded by id, messages.Decorate, attachments.SignURLs, the snippet set on each record,
// and PocketBase's JSON of the records. Run must give the same items in the same order.
func reference(t *testing.T, app core.App, viewer *core.Record, input string) []any {
	t.Helper()
	match := search.BuildQuery(input)
	if match == "" {
		return []any{}
	}
	rows := []struct {
		ID      string `db:"id"`
		Snippet string `db:"snippet"`
	}{}
	err := app.DB().NewQuery(`
		SELECT m.id AS id, snippet(messages_fts, 0, {:open}, {:close}, '…', 16) AS snippet
		FROM messages_fts
		JOIN messages m ON m.number = messages_fts.rowid
		JOIN memberships ms ON ms.room = m.room AND ms.user = {:user} AND ms.involvement != 'invisible'
		WHERE messages_fts MATCH {:match} AND m.deleted_at = ''
		ORDER BY messages_fts.rowid DESC
		LIMIT {:limit}`).
		Bind(dbx.Params{"open": "\x02", "close": "\x03", "user": viewer.Id, "match": match, "limit": search.MaxResults}).
		All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	found, err := app.FindRecordsByIds("messages", ids)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*core.Record{}
	for _, m := range found {
		byID[m.Id] = m
	}
	out := make([]*core.Record, 0, len(rows))
	for _, r := range rows {
		m := byID[r.ID]
		out = append(out, m)
	}
	if err := messages.Decorate(app, out); err != nil {
		t.Fatal(err)
	}
	attachments.SignURLs(out, viewer)
	for i, m := range out {
		m.Set("snippet", search.Highlight(rows[i].Snippet))
	}
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var items []any
	if err := json.Unmarshal(normalizeTokens(raw), &items); err != nil {
		t.Fatal(err)
	}
	return items
}

var fileToken = regexp.MustCompile(`token=[^&"\\]+`)

// normalizeTokens replaces file tokens (made at different moments, so different) by one value.
func normalizeTokens(b []byte) []byte { return fileToken.ReplaceAll(b, []byte("token=T")) }

func runItems(t *testing.T, app core.App, viewer *core.Record, input string) []any {
	t.Helper()
	res, err := search.Run(app, viewer, input)
	if err != nil {
		t.Fatalf("Run(%q): %v", input, err)
	}
	var out struct {
		Items []any `json:"items"`
	}
	if err := json.Unmarshal(normalizeTokens(res.JSON), &out); err != nil {
		t.Fatalf("Run(%q) JSON: %v\n%s", input, err, res.JSON)
	}
	if out.Items == nil || len(out.Items) != res.Count {
		t.Fatalf("Run(%q): %d items, Count %d: %s", input, len(out.Items), res.Count, res.JSON)
	}
	return out.Items
}

func sqlExec(t *testing.T, app core.App, q string, params dbx.Params) {
	t.Helper()
	if _, err := app.DB().NewQuery(q).Bind(params).Execute(); err != nil {
		t.Fatal(err)
	}
}

// Run's items are the records' history items (every public field, expand.creator, boosts, signed
// file URLs) plus the snippet, in the same order as the record-based search gave them.
func TestSearchItemsAreHistoryItems(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	bobC := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	carolC := testkit.Client{Base: base, Token: testkit.Token(t, carol)}

	plain := w.Post(t, w.AllTalk, w.Admin, `kiwi <b>bold</b> & "quoted" text, café`)
	mention := w.Post(t, w.AllTalk, bob, `kiwi for <span class="mention" data-user-id="`+carol.Id+`">@Carol</span>`)
	boosted := w.Post(t, w.AllTalk, carol, "kiwi with boosts")
	for _, c := range []testkit.Client{bobC, carolC} {
		if res := c.Do(t, http.MethodPost, "/api/collections/boosts/records", map[string]any{"message": boosted.Id, "content": "🥝"}); res.Status != http.StatusOK {
			t.Fatalf("boost: %d %s", res.Status, res.Body)
		}
	}
	image := w.Post(t, w.AllTalk, bob, "kiwi picture")
	sqlExec(t, w.App, `UPDATE messages SET kind = 'attachment', attachment = 'kiwi_ab12cd34ef.png', attachment_name = 'kiwi.png',
		attachment_type = 'image/png', attachment_size = 2048, attachment_width = 640, attachment_height = 480 WHERE id = {:id}`, dbx.Params{"id": image.Id})
	pdf := w.Post(t, w.AllTalk, bob, "kiwi report")
	sqlExec(t, w.App, `UPDATE messages SET kind = 'attachment', attachment = 'report_0a1b2c3d4e.pdf', attachment_name = 'report.pdf',
		attachment_type = 'application/pdf', attachment_size = 99 WHERE id = {:id}`, dbx.Params{"id": pdf.Id})
	preview := w.Post(t, w.AllTalk, w.Admin, "kiwi link https://example.com/kiwi")
	sqlExec(t, w.App, `UPDATE messages SET preview_url = 'https://example.com/kiwi', preview_title = 'Kiwi <title>',
		preview_description = 'All about kiwis', preview_image = 'card_9z8y7x6w5v.jpg' WHERE id = {:id}`, dbx.Params{"id": preview.Id})
	orphan := w.Post(t, w.AllTalk, carol, "kiwi whose author is gone")
	sqlExec(t, w.App, `UPDATE messages SET creator = 'gone00000000000' WHERE id = {:id}`, dbx.Params{"id": orphan.Id})
	edited := w.Post(t, w.AllTalk, w.Admin, "kiwi first draft")
	if res := (testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}).Do(t, http.MethodPatch, "/api/collections/messages/records/"+edited.Id,
		map[string]any{"body": "kiwi second draft"}); res.Status != http.StatusOK {
		t.Fatalf("edit: %d %s", res.Status, res.Body)
	}
	gone := w.Post(t, w.AllTalk, w.Admin, "kiwi deleted")
	if res := (testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}).Do(t, http.MethodDelete, "/api/collections/messages/records/"+gone.Id, nil); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	secret := w.Room(t, rooms.Closed, "Secret", w.Admin, carol)
	w.Post(t, secret, carol, "kiwi in secret")
	long := w.Post(t, w.AllTalk, carol, strings.Repeat("filler words before ", 20)+"the kiwi "+strings.Repeat(" and filler after", 20))

	want := map[string]int{"kiwi": 9, "KIWI": 9, "kiwi report": 1, "drafts kiwi": 1, "café": 1, "cafe": 1, `"quoted"`: 1, "nothing": 0, "***": 0}
	for _, viewer := range []*core.Record{bob, carol, w.Admin} {
		for q, n := range want {
			got := runItems(t, w.App, viewer, q)
			ref := reference(t, w.App, viewer, q)
			if !reflect.DeepEqual(got, ref) {
				g, _ := json.MarshalIndent(got, "", " ")
				r, _ := json.MarshalIndent(ref, "", " ")
				t.Fatalf("viewer %s, %q: Run differs from the record-based items\nRun:\n%s\nrecords:\n%s", viewer.GetString("name"), q, g, r)
			}
			if viewer == bob && len(got) != n {
				t.Errorf("bob, %q: %d items, want %d", q, len(got), n)
			}
		}
	}
	// spot checks of what the equality covers
	items := runItems(t, w.App, carol, "kiwi")
	byID := map[string]map[string]any{}
	for _, it := range items {
		byID[it.(map[string]any)["id"].(string)] = it.(map[string]any)
	}
	if len(items) != 10 || items[0].(map[string]any)["id"] != long.Id || byID[gone.Id] != nil {
		t.Errorf("carol's kiwi: %d items, first %v (want the newest, %s; no tombstone)", len(items), items[0].(map[string]any)["id"], long.Id)
	}
	if b := byID[boosted.Id]["boosts"].([]any); len(b) != 2 || b[0].(map[string]any)["booster"].(map[string]any)["name"] != "Bob" {
		t.Errorf("boosts: %v", b)
	}
	if u := byID[image.Id]; u["thumb_url"] == "" || !strings.Contains(u["attachment_url"].(string), "token=T") {
		t.Errorf("image URLs: %v %v", u["attachment_url"], u["thumb_url"])
	}
	if u := byID[pdf.Id]; u["thumb_url"] != "" || u["attachment_url"] == "" {
		t.Errorf("pdf URLs: %v %v", u["attachment_url"], u["thumb_url"])
	}
	if u := byID[preview.Id]; u["preview_image_url"] == "" || u["preview_title"] != "Kiwi <title>" {
		t.Errorf("preview: %v", u)
	}
	if _, ok := byID[orphan.Id]["expand"]; ok {
		t.Errorf("a message whose creator is gone has expand: %v", byID[orphan.Id]["expand"])
	}
	if m := byID[mention.Id]; len(m["mentions"].([]any)) != 1 || m["expand"].(map[string]any)["creator"].(map[string]any)["name"] != "Bob" {
		t.Errorf("mention item: %v", m)
	}
	if sn := byID[plain.Id]["snippet"].(string); !strings.Contains(sn, "<mark>kiwi</mark>") || !strings.Contains(sn, "&amp;") {
		t.Errorf("snippet: %q", sn)
	}
	if sn := byID[long.Id]["snippet"].(string); !strings.Contains(sn, "…") || !strings.Contains(sn, "<mark>kiwi</mark>") {
		t.Errorf("long snippet: %q", sn)
	}
}

// The newest MaxResults hits in the viewer's rooms, whatever the number of newer hits elsewhere;
// nothing from closed rooms they are not in, invisible rooms or tombstones; no rooms, no results.
func TestSearchScopeAndLimit(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	mine := w.Room(t, rooms.Closed, "Mine", w.Admin, bob)
	other := w.Room(t, rooms.Closed, "Other", w.Admin, carol)
	hidden := w.Room(t, rooms.Closed, "Hidden", w.Admin, bob)
	m, err := rooms.FindMembership(w.App, hidden.Id, bob.Id)
	if err != nil {
		t.Fatal(err)
	}
	m.Set("involvement", rooms.Invisible)
	if err := w.App.Save(m); err != nil {
		t.Fatal(err)
	}

	var inScope []string
	for i := 0; i < search.MaxResults+15; i++ {
		room := mine
		if i%2 == 0 {
			room = w.AllTalk
		}
		msg := w.Post(t, room, w.Admin, fmt.Sprintf("lychee number %d", i))
		inScope = append(inScope, msg.Id)
		if i%10 == 0 { // newer hits out of scope between them
			w.Post(t, other, w.Admin, "lychee elsewhere")
			w.Post(t, hidden, w.Admin, "lychee hidden")
		}
	}
	for i := 0; i < search.MaxResults+5; i++ { // the newest hits of all are out of scope
		w.Post(t, other, carol, "lychee elsewhere, newest")
	}
	// a tombstone among the newest in scope
	tomb := inScope[len(inScope)-2]
	msg, err := w.App.FindRecordById("messages", tomb)
	if err != nil {
		t.Fatal(err)
	}
	base := testkit.Serve(t, w.App)
	admin := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	if res := admin.Do(t, http.MethodDelete, "/api/collections/messages/records/"+msg.Id, nil); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %d", res.Status)
	}
	var want []string
	for i := len(inScope) - 1; i >= 0 && len(want) < search.MaxResults; i-- {
		if inScope[i] != tomb {
			want = append(want, inScope[i])
		}
	}
	got := ids(t, searchFor(t, testkit.Client{Base: base, Token: testkit.Token(t, bob)}, "lychee"))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("bob's lychee: %d items\n got %v\nwant %v", len(got), got, want)
	}
	if ref := reference(t, w.App, bob, "lychee"); len(ref) != len(want) {
		t.Errorf("the record-based search finds %d", len(ref))
	}

	// a user whose only room is invisible: nothing, not an error
	dave := w.User(t, "Dave")
	dm, err := rooms.FindMembership(w.App, w.AllTalk.Id, dave.Id)
	if err != nil {
		t.Fatal(err)
	}
	dm.Set("involvement", rooms.Invisible)
	if err := w.App.Save(dm); err != nil {
		t.Fatal(err)
	}
	res := searchFor(t, testkit.Client{Base: base, Token: testkit.Token(t, dave)}, "lychee")
	if res.Status != http.StatusOK || string(res.Body) != `{"items":[]}` {
		t.Errorf("no rooms: %d %s", res.Status, res.Body)
	}
	// PocketBase's ?fields= picking still applies
	res = (testkit.Client{Base: base, Token: testkit.Token(t, bob)}).Do(t, http.MethodGet, "/api/campfire/search?q=lychee&fields=items.id,items.snippet", nil)
	first := res.JSON(t)["items"].([]any)[0].(map[string]any)
	if len(first) != 2 || first["id"] != want[0] || first["snippet"] == nil {
		t.Errorf("fields=items.id,items.snippet: %v", first)
	}
}

func recentQueries(t *testing.T, c testkit.Client) []string {
	t.Helper()
	res := c.Do(t, http.MethodGet, "/api/collections/searches/records?sort=-updated&perPage=50", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("list searches: %d %s", res.Status, res.Body)
	}
	var out []string
	for _, it := range res.Items(t) {
		out = append(out, it["query"].(string))
	}
	return out
}

func storedSearches(t *testing.T, w *testkit.World, userID string) int {
	t.Helper()
	var n int
	if err := w.App.DB().NewQuery("SELECT COUNT(*) FROM searches WHERE user = {:u}").Bind(dbx.Params{"u": userID}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A list of the searches collection right after a search sees it, in the order of the searches
// (not of the writes), however fast they came.
func TestRecentSearchesReadYourWrites(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	for _, q := range []string{"alpha", "beta", "gamma", "beta", "delta"} {
		searchFor(t, c, q)
	}
	want := []string{"delta", "beta", "gamma", "alpha"}
	if got := recentQueries(t, c); !reflect.DeepEqual(got, want) {
		t.Fatalf("recent after searching: %v, want %v", got, want)
	}
	// the view of one search follows its latest use too
	list := c.Do(t, http.MethodGet, "/api/collections/searches/records?filter="+url.QueryEscape(`query="alpha"`), nil).Items(t)
	if len(list) != 1 {
		t.Fatalf("alpha: %v", list)
	}
	before := list[0]["updated"].(string)
	searchFor(t, c, "alpha")
	view := c.Do(t, http.MethodGet, "/api/collections/searches/records/"+list[0]["id"].(string), nil).JSON(t)
	if view["updated"].(string) <= before {
		t.Errorf("alpha's updated %v after searching it again (was %v)", view["updated"], before)
	}
	if got := recentQueries(t, c); got[0] != "alpha" || len(got) != 4 {
		t.Errorf("recent: %v, want alpha first of 4", got)
	}
}

// Without any read, searches are written within FlushDelay; a write per search is not made.
func TestRecentSearchesWrittenInBatches(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	for i := 0; i < 25; i++ {
		if err := search.Remember(w.App, w.Admin.Id, fmt.Sprintf("admin query %d", i)); err != nil {
			t.Fatal(err)
		}
		if err := search.Remember(w.App, bob.Id, fmt.Sprintf("bob query %d", i%3)); err != nil {
			t.Fatal(err)
		}
	}
	if n := storedSearches(t, w, w.Admin.Id); n != 0 {
		t.Logf("%d written before FlushDelay (a slow machine)", n)
	}
	deadline := time.Now().Add(3 * search.FlushDelay)
	for storedSearches(t, w, w.Admin.Id) != search.KeepRecent || storedSearches(t, w, bob.Id) != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("not written: admin %d, bob %d", storedSearches(t, w, w.Admin.Id), storedSearches(t, w, bob.Id))
		}
		time.Sleep(50 * time.Millisecond)
	}
	var newest string
	if err := w.App.DB().NewQuery("SELECT query FROM searches WHERE user = {:u} ORDER BY updated DESC LIMIT 1").
		Bind(dbx.Params{"u": w.Admin.Id}).Row(&newest); err != nil || newest != "admin query 24" {
		t.Errorf("newest: %q %v", newest, err)
	}
	// a transaction's app writes at once
	err := w.App.RunInTransaction(func(tx core.App) error { return search.Remember(tx, bob.Id, "inside a transaction") })
	if err != nil || storedSearches(t, w, bob.Id) != 4 {
		t.Errorf("transactional Remember: %v, %d stored", err, storedSearches(t, w, bob.Id))
	}
}

// Clearing drops the searches not written yet as well: nothing comes back after it.
func TestClearingDropsUnwrittenSearches(t *testing.T) {
	w := testkit.Setup(t)
	base := testkit.Serve(t, w.App)
	c := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	searchFor(t, c, "written")
	if got := recentQueries(t, c); len(got) != 1 {
		t.Fatalf("recent: %v", got)
	}
	searchFor(t, c, "pending")
	if res := c.Do(t, http.MethodDelete, "/api/campfire/searches", nil); res.Status != http.StatusNoContent {
		t.Fatalf("clear: %d", res.Status)
	}
	if err := search.Flush(w.App); err != nil {
		t.Fatal(err)
	}
	time.Sleep(search.FlushDelay + 200*time.Millisecond)
	if n := storedSearches(t, w, w.Admin.Id); n != 0 {
		t.Errorf("%d searches after clearing", n)
	}
}

// Searches of a user deactivated before they are written are dropped, as deactivation drops the
// written ones.
func TestSearchesOfDeactivatedUsersAreNotWritten(t *testing.T) {
	w := testkit.Setup(t)
	bob := w.User(t, "Bob")
	carol := w.User(t, "Carol")
	base := testkit.Serve(t, w.App)
	searchFor(t, testkit.Client{Base: base, Token: testkit.Token(t, bob)}, "before deactivation")
	searchFor(t, testkit.Client{Base: base, Token: testkit.Token(t, carol)}, "carol stays")
	if err := accounts.Deactivate(w.App, bob); err != nil {
		t.Fatal(err)
	}
	if err := search.Flush(w.App); err != nil {
		t.Fatal(err)
	}
	if n := storedSearches(t, w, bob.Id); n != 0 {
		t.Errorf("%d searches of a deactivated user", n)
	}
	if n := storedSearches(t, w, carol.Id); n != 1 {
		t.Errorf("%d searches of an active user, want 1", n)
	}
}

// Terminating the app writes what is pending.
func TestTerminateWritesPendingSearches(t *testing.T) {
	w := testkit.Setup(t)
	if err := search.Remember(w.App, w.Admin.Id, "last words"); err != nil {
		t.Fatal(err)
	}
	err := w.App.OnTerminate().Trigger(&core.TerminateEvent{App: w.App}, func(e *core.TerminateEvent) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n := storedSearches(t, w, w.Admin.Id); n != 1 {
		t.Errorf("%d searches after terminate, want 1", n)
	}
}
