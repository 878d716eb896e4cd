package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/importer"
	"github.com/pocketcampfire/campfire/testkit"
)

func cid(id int64) string { return strconv.FormatInt(id, 10) }

// target returns our record id for a Campfire row, failing the test when it was not imported.
func target(t *testing.T, app core.App, source string, id int64) string {
	t.Helper()
	ourID, ok := importer.LegacyTarget(app, source, cid(id))
	if !ok {
		t.Fatalf("%s %d was not imported", source, id)
	}
	return ourID
}

func record(t *testing.T, app core.App, collection, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatalf("find %s %s: %v", collection, id, err)
	}
	return r
}

func runImport(t *testing.T, app core.App, path string, opts ...func(*importer.Options)) *importer.Report {
	t.Helper()
	o := importer.Options{Path: path, BatchSize: 40}
	for _, fn := range opts {
		fn(&o)
	}
	rep, err := importer.OnceCampfire(app, o)
	if err != nil {
		var buf bytes.Buffer
		if rep != nil {
			rep.WriteSummary(&buf)
		}
		t.Fatalf("import: %v\n%s", err, buf.String())
	}
	return rep
}

// counts is the number of rows of each table an import writes, plus the counters.
func counts(t *testing.T, app core.App) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"users", "rooms", "memberships", "messages", "boosts", "bans", "account",
		"import_map", "_superusers", "outbox"} {
		var n int64
		if err := app.DB().NewQuery("SELECT COUNT(*) FROM " + table).Row(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	var v int64
	_ = app.DB().NewQuery("SELECT value FROM campfire_counters WHERE name = 'number'").Row(&v)
	out["counter number"] = v
	_ = app.DB().NewQuery("SELECT value FROM campfire_counters WHERE name = 'seq'").Row(&v)
	out["counter seq"] = v
	_ = app.DB().NewQuery("SELECT COALESCE(SUM(seq), 0) FROM messages").Row(&v)
	out["sum seq"] = v
	var s string
	_ = app.DB().NewQuery("SELECT group_concat(id || last_message_at, ',') FROM (SELECT id, last_message_at FROM rooms ORDER BY id)").Row(&s)
	out["rooms touched "+s] = 1
	return out
}

func TestImportOnceCampfire(t *testing.T) {
	f := newFixture(t)
	w := f.build(260)
	f.close()
	before := snapshot(t, f.dir)

	app := testkit.NewApp(t) // a fresh install: no first run
	var out bytes.Buffer
	rep := runImport(t, app, f.dir, func(o *importer.Options) { o.Progress = &out })
	var summary bytes.Buffer
	rep.WriteSummary(&summary)
	t.Log("\n" + summary.String())
	if !strings.Contains(out.String(), "messages") || !strings.Contains(out.String(), "100%") {
		t.Errorf("progress output:\n%s", out.String())
	}

	// the source is byte-identical and nothing was created beside it
	sameSnapshot(t, before, snapshot(t, f.dir))

	// counts
	if got := rep.Table("users"); got.Imported != 8 || got.Source != 8 {
		t.Errorf("users %+v", got)
	}
	if got := rep.Table("rooms"); got.Imported != 5 || got.Existing != 1 {
		t.Errorf("rooms %+v (the second Ada-Bob DM merges into the first)", got)
	}
	msgs := rep.Table("messages")
	if msgs.Source != w.messages || msgs.Skipped != 1 || msgs.Imported != w.messages-1 {
		t.Errorf("messages %+v, want %d from Campfire, 1 skipped (blank)", msgs, w.messages)
	}
	var stored int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM messages").Row(&stored)
	if stored != w.messages-1+1 { // the text-and-file message became two
		t.Errorf("%d messages stored, want %d", stored, w.messages)
	}
	for _, p := range []string{"blank (no text and no file)", "mention of an unknown user kept as text",
		"file not imported, kept as its name", "text and file split into two messages", "merged into the direct room",
		"blank or longer than 16 characters", "not a public IP address"} {
		if !strings.Contains(summary.String(), p) {
			t.Errorf("summary does not mention %q", p)
		}
	}

	// the account
	acc, err := app.FindFirstRecordByFilter("account", "singleton = '1'")
	if err != nil {
		t.Fatal(err)
	}
	if acc.GetString("name") != "Acme HQ" || acc.GetString("join_code") != "AbCd-EfGh-IjKl" ||
		!acc.GetBool("restrict_room_creation") || acc.GetString("custom_styles") != ".message { color: teal }" ||
		acc.GetString("logo") == "" {
		t.Errorf("account %v", acc.PublicExport())
	}

	// users: roles, statuses, bots, avatars
	ada := record(t, app, "users", target(t, app, importer.SourceUsers, w.ada))
	bob := record(t, app, "users", target(t, app, importer.SourceUsers, w.bob))
	carol := record(t, app, "users", target(t, app, importer.SourceUsers, w.carol))
	want := map[int64][2]string{w.ada: {"administrator", "active"}, w.bob: {"member", "active"},
		w.dave: {"member", "deactivated"}, w.eve: {"member", "banned"}, w.deployBot: {"bot", "active"}}
	for id, rs := range want {
		u := record(t, app, "users", target(t, app, importer.SourceUsers, id))
		if u.GetString("role") != rs[0] || u.GetString("status") != rs[1] {
			t.Errorf("user %d: %s/%s, want %v", id, u.GetString("role"), u.GetString("status"), rs)
		}
	}
	if ada.Email() != "ada@acme.test" || ada.GetString("bio") != "Bio of Ada Admin" {
		t.Errorf("ada %v", ada.FieldsData())
	}
	if ada.GetDateTime("created").Time().Format(time.DateOnly) != "2024-03-01" {
		t.Errorf("ada created %s", ada.GetDateTime("created"))
	}
	frank := record(t, app, "users", target(t, app, importer.SourceUsers, w.frank))
	if frank.GetString("avatar") == "" {
		t.Error("frank's avatar was not imported")
	}
	bot := record(t, app, "users", target(t, app, importer.SourceUsers, w.deployBot))
	if bot.GetString("webhook_url") != "https://bots.example.com/deploy" || bot.GetString("bot_token_hash") == "" ||
		bot.GetString("webhook_secret") == "" || bot.Email() != "" {
		t.Errorf("bot %v", bot.FieldsData())
	}

	if key, err := bots.Key(app, bot); err != nil || key != bot.Id+"-"+w.botToken {
		t.Errorf("the imported bot's key for room.path: %q %v", key, err)
	}

	// rooms
	allTalk := record(t, app, "rooms", target(t, app, importer.SourceRooms, w.allTalk))
	secret := record(t, app, "rooms", target(t, app, importer.SourceRooms, w.secret))
	dm := record(t, app, "rooms", target(t, app, importer.SourceRooms, w.dmAdaBob))
	if allTalk.GetString("kind") != "open" || allTalk.GetString("name") != "All Talk" || allTalk.GetString("creator") != ada.Id {
		t.Errorf("All Talk %v", allTalk.FieldsData())
	}
	if secret.GetString("kind") != "closed" || dm.GetString("kind") != "direct" || dm.GetString("name") != "" {
		t.Errorf("kinds: %s %s %q", secret.GetString("kind"), dm.GetString("kind"), dm.GetString("name"))
	}
	ids := []string{ada.Id, bob.Id}
	slices.Sort(ids)
	if dm.GetString("direct_key") != strings.Join(ids, ",") {
		t.Errorf("direct_key %q", dm.GetString("direct_key"))
	}
	if again := target(t, app, importer.SourceRooms, w.dmAgain); again != dm.Id {
		t.Errorf("the second Ada-Bob DM became %s, want the first (%s)", again, dm.Id)
	}
	if allTalk.GetDateTime("last_message_at").IsZero() {
		t.Error("All Talk has no last_message_at")
	}

	// memberships and involvement
	involvement := func(room *core.Record, user *core.Record) string {
		m, err := app.FindFirstRecordByFilter("memberships", "room = {:r} && user = {:u}", dbx.Params{"r": room.Id, "u": user.Id})
		if err != nil {
			return "none"
		}
		return m.GetString("involvement")
	}
	watercooler := record(t, app, "rooms", target(t, app, importer.SourceRooms, w.watercooler))
	if involvement(allTalk, carol) != "everything" || involvement(watercooler, bob) != "invisible" ||
		involvement(secret, bob) != "nothing" || involvement(secret, carol) != "none" || involvement(dm, bob) != "everything" {
		t.Errorf("involvements: carol %s, bob %s/%s, carol in secret %s, bob in dm %s", involvement(allTalk, carol),
			involvement(watercooler, bob), involvement(secret, bob), involvement(secret, carol), involvement(dm, bob))
	}
	dave := record(t, app, "users", target(t, app, importer.SourceUsers, w.dave))
	if involvement(allTalk, dave) != "none" {
		t.Error("a deactivated user is in an open room")
	}
	m, _ := app.FindFirstRecordByFilter("memberships", "room = {:r} && user = {:u}", dbx.Params{"r": allTalk.Id, "u": bob.Id})
	if m == nil || m.GetDateTime("unread_at").IsZero() {
		t.Error("bob's unread mark in All Talk was not kept")
	}

	// messages: order, times, bodies
	msg := func(id int64) *core.Record {
		return record(t, app, "messages", target(t, app, importer.SourceMessages, id))
	}
	first := msg(w.earlyButLate)
	if first.GetInt("number") != 1 || first.GetDateTime("created").String() != "2024-02-01 08:00:00.000Z" {
		t.Errorf("the earliest Campfire message has number %d, created %s", first.GetInt("number"), first.GetDateTime("created"))
	}
	var order []struct {
		Number  int64  `db:"number"`
		Created string `db:"created"`
		Seq     int64  `db:"seq"`
	}
	if err := app.DB().NewQuery("SELECT number, created, seq FROM messages ORDER BY number").All(&order); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(order); i++ {
		if order[i].Created < order[i-1].Created {
			t.Fatalf("message %d (%s) is older than the one before (%s)", order[i].Number, order[i].Created, order[i-1].Created)
		}
	}

	mm := msg(w.mentionMsg)
	wantBody := `<div>Hey <span class="mention" data-user-id="` + bob.Id + `">@Bob Member</span> and <span class="mention" data-user-id="` +
		carol.Id + `">@Carol Member</span>, look</div>`
	if mm.GetString("body") != wantBody {
		t.Errorf("mention body\n got %s\nwant %s", mm.GetString("body"), wantBody)
	}
	if got := mm.GetStringSlice("mentions"); !slices.Equal(got, []string{bob.Id, carol.Id}) {
		t.Errorf("mentions %v", got)
	}
	if mm.GetString("plain") != "Hey @Bob Member and @Carol Member, look" || mm.GetString("kind") != "text" {
		t.Errorf("plain %q kind %q", mm.GetString("plain"), mm.GetString("kind"))
	}
	if mm.GetString("creator") != ada.Id || mm.GetString("room") != allTalk.Id {
		t.Error("mention message creator/room")
	}
	if got := msg(w.playMsg); got.GetString("kind") != "sound" || got.GetString("sound") != "tada" {
		t.Errorf("/play tada: kind %q sound %q", got.GetString("kind"), got.GetString("sound"))
	}
	if got := msg(w.playUnknown); got.GetString("kind") != "text" {
		t.Errorf("/play nosuchsound: kind %q", got.GetString("kind"))
	}
	og := msg(w.ogMsg)
	if !strings.Contains(og.GetString("body"), `href="https://example.com/article"`) ||
		og.GetString("preview_url") != "https://example.com/article" || og.GetString("preview_title") != "An Article" ||
		og.GetString("preview_description") != "All about it" {
		t.Errorf("opengraph message %v", og.FieldsData())
	}
	att := msg(w.attachMsg)
	if att.GetString("kind") != "attachment" || att.GetString("attachment") == "" || att.GetString("attachment_name") != "plan.png" ||
		att.GetString("plain") != "plan.png" || att.GetInt("attachment_width") != 40 {
		t.Errorf("attachment message %v", att.FieldsData())
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	if ok, err := fsys.Exists(att.BaseFilesPath() + "/" + att.GetString("attachment")); !ok || err != nil {
		t.Errorf("attachment file not stored: %v", err)
	}
	if lost := msg(w.lostFile); lost.GetString("kind") != "text" || lost.GetString("plain") != "[lost.pdf]" {
		t.Errorf("lost file message %q %q", lost.GetString("kind"), lost.GetString("plain"))
	}
	if inline := msg(w.inlineFile); inline.GetString("kind") != "attachment" || inline.GetString("attachment_name") != "diagram.png" {
		t.Errorf("inline file message %v", inline.FieldsData())
	}
	text := msg(w.textAndFile)
	file := record(t, app, "messages", target(t, app, importer.SourceMessageFiles, w.textAndFile))
	if text.GetString("plain") != "Here is the report" || file.GetString("kind") != "attachment" ||
		file.GetString("attachment_name") != "report.txt" || file.GetInt("number") != text.GetInt("number")+1 {
		t.Errorf("text and file: %v / %v", text.FieldsData(), file.FieldsData())
	}
	if rich := msg(w.richMsg).GetString("body"); !strings.Contains(rich, "<strong>bold</strong>") ||
		!strings.Contains(rich, "<pre>code  block</pre>") || !strings.Contains(rich, `rel="noopener noreferrer nofollow"`) {
		t.Errorf("rich body %s", rich)
	}
	if xss := msg(w.xssMsg).GetString("body"); strings.Contains(xss, "script") || strings.Contains(xss, "onerror") || strings.Contains(xss, "<img") {
		t.Errorf("unsafe body stored: %s", xss)
	}
	if ghost := msg(w.unknownMention); ghost.GetString("plain") != "ping @Ghost User" || len(ghost.GetStringSlice("mentions")) != 0 {
		t.Errorf("unknown mention: %q %v", ghost.GetString("plain"), ghost.GetStringSlice("mentions"))
	}
	if dmm := msg(w.dmMsg); dmm.GetString("room") != dm.Id || dmm.GetString("creator") != bob.Id {
		t.Error("direct message room/creator")
	}
	if _, ok := importer.LegacyTarget(app, importer.SourceMessages, cid(w.blankMsg)); ok {
		t.Error("the blank message was imported")
	}

	// boosts (each gives its message a new seq, as a live boost does)
	boost, err := app.FindRecordById("boosts", target(t, app, importer.SourceBoosts, w.boostOK))
	if err != nil || boost.GetString("content") != "🎉" || boost.GetString("booster") != bob.Id || boost.GetString("message") != mm.Id {
		t.Errorf("boost %v %v", boost, err)
	}
	if _, ok := importer.LegacyTarget(app, importer.SourceBoosts, cid(w.boostTooLong)); ok {
		t.Error("an over-long boost was imported")
	}
	if mm.GetInt("seq") <= mm.GetInt("number") {
		t.Errorf("boosted message seq %d not bumped past its insert", mm.GetInt("seq"))
	}
	var maxSeq int64
	_ = app.DB().NewQuery("SELECT MAX(seq) FROM messages").Row(&maxSeq)
	var counter int64
	_ = app.DB().NewQuery("SELECT value FROM campfire_counters WHERE name = 'seq'").Row(&counter)
	if maxSeq != counter {
		t.Errorf("max seq %d, counter %d", maxSeq, counter)
	}

	// bans, superuser, no deliveries queued for history
	eve := record(t, app, "users", target(t, app, importer.SourceUsers, w.eve))
	if ban, err := app.FindFirstRecordByFilter("bans", "user = {:u}", dbx.Params{"u": eve.Id}); err != nil || ban.GetString("ip") != "8.8.4.4" {
		t.Errorf("ban %v %v", ban, err)
	}
	if su, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "ada@acme.test"); err != nil || !su.ValidatePassword(w.adaPassword) {
		t.Errorf("superuser: %v", err)
	}
	if c := counts(t, app); c["outbox"] != 0 {
		t.Errorf("%d deliveries queued for imported history", c["outbox"])
	}

	// FTS: the search index holds every imported message
	var ftsCheck int
	if _, err := app.DB().NewQuery("INSERT INTO messages_fts(messages_fts) VALUES('integrity-check')").Execute(); err != nil {
		t.Errorf("FTS integrity: %v", err)
	}
	_ = ftsCheck

	base := testkit.Serve(t, app)

	// people sign in with their Campfire passwords; banned and deactivated users and bots cannot
	signIn := func(email, password string) int {
		return testkit.Client{Base: base}.Do(t, http.MethodPost, "/api/collections/users/auth-with-password",
			map[string]any{"identity": email, "password": password}).Status
	}
	if s := signIn("ada@acme.test", w.adaPassword); s != 200 {
		t.Errorf("ada signs in: %d", s)
	}
	if s := signIn("bob@acme.test", w.bobPassword); s != 200 {
		t.Errorf("bob signs in: %d", s)
	}
	if s := signIn("bob@acme.test", "wrong-password"); s != 400 {
		t.Errorf("bob with a wrong password: %d", s)
	}
	if s := signIn("eve@acme.test", "eve-old-secret"); s == 200 {
		t.Error("a banned user signed in")
	}

	// search finds imported messages
	bobClient := testkit.Client{Base: base, Token: testkit.Token(t, bob)}
	carolClient := testkit.Client{Base: base, Token: testkit.Token(t, carol)}
	res := carolClient.Do(t, http.MethodGet, "/api/campfire/search?q=zanzibar", nil)
	if res.Status != 200 || !strings.Contains(string(res.Body), msg(w.searchMsg).Id) {
		t.Errorf("search: %d %s", res.Status, res.Body)
	}
	if res := bobClient.Do(t, http.MethodGet, "/api/campfire/search?q=zanzibar", nil); strings.Contains(string(res.Body), msg(w.searchMsg).Id) {
		t.Error("search shows Bob a room he made invisible")
	}
	res = bobClient.Do(t, http.MethodGet, "/api/campfire/search?q="+url.QueryEscape("Carol Member"), nil)
	if res.Status != 200 || !strings.Contains(string(res.Body), mm.Id) {
		t.Errorf("search for a mentioned name: %d %s", res.Status, res.Body)
	}
	// history shows them in order
	res = bobClient.Do(t, http.MethodGet, "/api/campfire/rooms/"+allTalk.Id+"/messages?limit=200", nil)
	if res.Status != 200 {
		t.Fatalf("history: %d %s", res.Status, res.Body)
	}
	items, _ := res.JSON(t)["items"].([]any)
	if len(items) == 0 || items[0].(map[string]any)["id"] != first.Id {
		t.Errorf("history does not start with the earliest message")
	}

	// old bot URLs still post into the imported room
	legacyKey := cid(w.deployBot) + "-" + w.botToken
	post := func(room, key, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/rooms/"+room+"/"+key+"/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		data, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(data)
	}
	if s, body := post(cid(w.allTalk), legacyKey, "Posted through the old URL"); s != http.StatusCreated {
		t.Errorf("old bot URL: %d %s", s, body)
	}
	if got, err := app.FindFirstRecordByFilter("messages", "plain = 'Posted through the old URL'"); err != nil ||
		got.GetString("room") != allTalk.Id || got.GetString("creator") != bot.Id {
		t.Errorf("the old bot URL's message: %v %v", got, err)
	}
	if s, _ := post(allTalk.Id, bot.Id+"-"+w.botToken, "Posted with the new id"); s != http.StatusCreated {
		t.Errorf("new key with the kept token: %d", s)
	}
	if s, _ := post(cid(w.allTalk), cid(w.deployBot)+"-WrongT0ken999", "nope"); s != http.StatusUnauthorized {
		t.Errorf("wrong legacy token: %d", s)
	}
	if s, _ := post(cid(w.secret), legacyKey, "not a member"); s != http.StatusNotFound {
		t.Errorf("legacy room the bot is not in: %d", s)
	}
	if r, err := importer.ResolveLegacyRoom(app, cid(w.watercooler)); err != nil || r.Id != watercooler.Id {
		t.Errorf("ResolveLegacyRoom: %v %v", r, err)
	}
	if _, err := importer.ResolveLegacyRoom(app, "99999"); err == nil {
		t.Error("ResolveLegacyRoom found an unknown room")
	}
	if b, err := importer.ResolveLegacyBot(app, legacyKey); err != nil || b.Id != bot.Id {
		t.Errorf("ResolveLegacyBot: %v %v", b, err)
	}
	if _, err := importer.ResolveLegacyBot(app, cid(w.bob)+"-"+w.botToken); err == nil {
		t.Error("ResolveLegacyBot accepted a person's id")
	}

	// a second run changes nothing
	before2 := counts(t, app)
	rep2 := runImport(t, app, f.dir)
	for _, tr := range rep2.Tables {
		if tr.Imported != 0 {
			t.Errorf("second run imported %d %s", tr.Imported, tr.Table)
		}
	}
	if rep2.Table("messages").Existing != w.messages-1 {
		t.Errorf("second run: %+v", rep2.Table("messages"))
	}
	after2 := counts(t, app)
	for k, v := range before2 {
		if after2[k] != v {
			t.Errorf("second run changed %s: %d -> %d", k, v, after2[k])
		}
	}
	sameSnapshot(t, before, snapshot(t, f.dir))
}

// An import interrupted between batches continues where it stopped and ends exactly like one run.
func TestImportResumes(t *testing.T) {
	f := newFixture(t)
	w := f.build(300)
	f.close()

	app := testkit.NewApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := importer.OnceCampfire(app, importer.Options{Path: f.dir, BatchSize: 50, Context: ctx,
		OnProgress: func(phase string, done, total int) {
			if phase == "messages" && done >= 100 {
				cancel()
			}
		}})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("interrupted import: %v", err)
	}
	var partial int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM messages").Row(&partial)
	if partial == 0 || partial >= w.messages {
		t.Fatalf("%d messages after the interruption, want some of %d", partial, w.messages)
	}

	rep := runImport(t, app, f.dir, func(o *importer.Options) { o.BatchSize = 50 })
	if m := rep.Table("messages"); m.Existing == 0 || m.Existing+m.Imported+m.Skipped != w.messages {
		t.Errorf("resumed run: %+v", m)
	}

	// the same as one uninterrupted import
	fresh := testkit.NewApp(t)
	runImport(t, fresh, f.dir, func(o *importer.Options) { o.BatchSize = 50 })
	sequence := func(app core.App) []string {
		var rows []struct {
			Number  int64  `db:"number"`
			Plain   string `db:"plain"`
			Created string `db:"created"`
		}
		if err := app.DB().NewQuery("SELECT number, plain, created FROM messages ORDER BY number").All(&rows); err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = fmt.Sprintf("%d|%s|%s", r.Number, r.Created, r.Plain)
		}
		return out
	}
	a, b := sequence(app), sequence(fresh)
	if !slices.Equal(a, b) {
		t.Errorf("resumed import differs from a single run: %d vs %d messages", len(a), len(b))
	}
	ca, cb := counts(t, app), counts(t, fresh)
	for _, k := range []string{"users", "rooms", "memberships", "messages", "boosts", "bans", "import_map", "counter number", "_superusers"} {
		if ca[k] != cb[k] {
			t.Errorf("%s: resumed %d, single run %d", k, ca[k], cb[k])
		}
	}
}

// Importing into an install that is already set up: people with the same email are matched (and
// keep their own password), the account takes Campfire's name, every active user ends up in every
// open room.
func TestImportIntoSetUpInstall(t *testing.T) {
	f := newFixture(t)
	w := f.build(0)
	f.exec("UPDATE users SET email_address = 'ada@example.com' WHERE id = ?", w.ada)
	f.close()

	world := testkit.Setup(t) // Ada Admin, ada@example.com, with All Talk
	runImport(t, world.App, f.dir)
	app := world.App

	if got := target(t, app, importer.SourceUsers, w.ada); got != world.Admin.Id {
		t.Errorf("Campfire's Ada became %s, want the existing admin %s", got, world.Admin.Id)
	}
	admin := record(t, app, "users", world.Admin.Id)
	if !admin.ValidatePassword(testkit.Password) {
		t.Error("the existing admin's password changed")
	}
	acc, _ := app.FindFirstRecordByFilter("account", "singleton = '1'")
	if acc.GetString("name") != "Acme HQ" || acc.GetString("join_code") == "AbCd-EfGh-IjKl" {
		t.Errorf("account %s %s", acc.GetString("name"), acc.GetString("join_code"))
	}
	var missing int
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM rooms r, users u WHERE r.kind = 'open' AND u.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room = r.id AND m.user = u.id)`).Row(&missing)
	if missing != 0 {
		t.Errorf("%d active users missing from open rooms", missing)
	}
	bob := target(t, app, importer.SourceUsers, w.bob)
	if !slices.Contains(memberIDs(t, app, world.AllTalk.Id), bob) {
		t.Error("imported Bob is not in the install's own All Talk")
	}
}

func memberIDs(t *testing.T, app core.App, room string) []string {
	var ids []string
	if err := app.DB().NewQuery("SELECT user FROM memberships WHERE room = {:r}").Bind(dbx.Params{"r": room}).Column(&ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// A database with a write-ahead log holding recent transactions: they are imported (from a private
// copy) and nothing next to the source changes.
func TestImportReadsTheWriteAheadLog(t *testing.T) {
	f := newFixture(t)
	w := f.build(10)
	if _, err := f.db.Exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0"); err != nil {
		t.Fatal(err)
	}
	late := f.message(w.allTalk, w.bob, "<div>written after the last checkpoint</div>")
	if st, err := os.Stat(f.dbPath() + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("no WAL: %v", err)
	}
	// Campfire is still "running" (f.db open): the import reads a copy
	before := snapshot(t, f.dir)
	app := testkit.NewApp(t)
	rep := runImport(t, app, filepath.Join(f.dir, "db", "production.sqlite3"))
	if !rep.ReadFromCopy {
		t.Error("the import did not read from a copy")
	}
	if got := record(t, app, "messages", target(t, app, importer.SourceMessages, late)); got.GetString("plain") != "written after the last checkpoint" {
		t.Errorf("late message %q", got.GetString("plain"))
	}
	sameSnapshot(t, before, snapshot(t, f.dir))
	// given the database file itself, the files are found in ../files
	if rep.FilesDir != filepath.Join(f.dir, "files") {
		t.Errorf("files dir %q", rep.FilesDir)
	}
}

func TestImportRefusesWhatIsNotCampfire(t *testing.T) {
	app := testkit.NewApp(t)
	dir := t.TempDir()
	if _, err := importer.OnceCampfire(app, importer.Options{Path: dir}); err == nil || !strings.Contains(err.Error(), "no Campfire database") {
		t.Errorf("empty dir: %v", err)
	}
	other := filepath.Join(dir, "other.sqlite3")
	_ = os.WriteFile(other, nil, 0o644) // an empty SQLite database

	if _, err := importer.OnceCampfire(app, importer.Options{Path: other}); err == nil {
		t.Error("an empty database was accepted")
	}
}

// TestImportSpeed measures a large import. It runs with CAMPFIRE_IMPORT_BENCH=<messages>; with
// CAMPFIRE_IMPORT_FIXTURE=<dir> it also leaves the Campfire storage directory there (for timing the
// command itself).
func TestImportSpeed(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CAMPFIRE_IMPORT_BENCH"))
	if n <= 0 {
		t.Skip("set CAMPFIRE_IMPORT_BENCH=<messages> to measure")
	}
	f := newFixture(t)
	t0 := time.Now()
	f.bulk(n)
	f.close()
	t.Logf("fixture of %d messages built in %s", n, time.Since(t0).Round(time.Millisecond))
	if out := os.Getenv("CAMPFIRE_IMPORT_FIXTURE"); out != "" {
		if err := os.CopyFS(out, os.DirFS(f.dir)); err != nil {
			t.Fatal(err)
		}
	}
	app := testkit.NewApp(t)
	start, cpu0 := time.Now(), cpuTime()
	batch, _ := strconv.Atoi(os.Getenv("CAMPFIRE_IMPORT_BATCH"))
	rep := runImport(t, app, f.dir, func(o *importer.Options) { o.BatchSize = batch; o.Progress = os.Stderr })
	took, cpu := time.Since(start), cpuTime()-cpu0
	var buf bytes.Buffer
	rep.WriteSummary(&buf)
	t.Logf("imported %d messages in %s (%.0f messages/s), %s of CPU\n%s", rep.Table("messages").Imported,
		took.Round(time.Millisecond), float64(rep.Table("messages").Imported)/took.Seconds(), cpu.Round(time.Millisecond), buf.String())
	if rep.Table("messages").Imported != n {
		t.Errorf("imported %d of %d", rep.Table("messages").Imported, n)
	}
}

// cpuTime is the CPU time (user and system) this process has used: a measure a busy machine does not
// distort the way it distorts wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// An early Campfire database: users.active instead of users.status, role 2 meaning "owner" (before
// bots existed), no bans, webhooks or account settings, blobs without service_name.
func TestImportEarlyCampfireSchema(t *testing.T) {
	f := newFixture(t)
	f.exec(`DROP INDEX index_users_on_bot_token`)
	f.exec(`ALTER TABLE users DROP COLUMN bot_token`)
	f.exec(`ALTER TABLE users DROP COLUMN status`)
	f.exec(`ALTER TABLE users ADD COLUMN active boolean DEFAULT 1`)
	f.exec(`ALTER TABLE accounts DROP COLUMN settings`)
	f.exec(`ALTER TABLE active_storage_blobs DROP COLUMN service_name`)
	f.exec(`DROP TABLE bans`)
	f.exec(`DROP TABLE webhooks`)
	at := railsTime(f.tick(time.Minute))
	f.exec(`INSERT INTO accounts (name, join_code, created_at, updated_at) VALUES ('Old Co', 'Aaaa-Bbbb-Cccc', ?, ?)`, at, at)
	owner := f.exec(`INSERT INTO users (name, email_address, password_digest, role, active, created_at, updated_at)
		VALUES ('Olive Owner', 'olive@old.test', ?, 2, 1, ?, ?)`, digest(t, "olive-pass"), at, at)
	gone := f.exec(`INSERT INTO users (name, email_address, password_digest, role, active, created_at, updated_at)
		VALUES ('Gus Gone', 'gus@old.test', ?, 0, 0, ?, ?)`, digest(t, "gus-pass"), at, at)
	room := f.room("Open", "Lobby", owner)
	f.member(room, owner, "mentions", false)
	msg := f.message(room, owner, "<div>hello from 2023</div>")
	f.close()

	app := testkit.NewApp(t)
	runImport(t, app, f.dir)
	o := record(t, app, "users", target(t, app, importer.SourceUsers, owner))
	if o.GetString("role") != "administrator" || o.GetString("status") != "active" || !o.ValidatePassword("olive-pass") {
		t.Errorf("owner %s/%s", o.GetString("role"), o.GetString("status"))
	}
	if g := record(t, app, "users", target(t, app, importer.SourceUsers, gone)); g.GetString("status") != "deactivated" {
		t.Errorf("inactive user %s", g.GetString("status"))
	}
	if m := record(t, app, "messages", target(t, app, importer.SourceMessages, msg)); m.GetString("plain") != "hello from 2023" {
		t.Errorf("message %q", m.GetString("plain"))
	}
}
