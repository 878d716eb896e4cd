package search_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

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
		if _, err := search.Run(w.App, w.Admin.Id, in); err != nil {
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
