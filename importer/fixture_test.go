package importer_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	_ "modernc.org/sqlite"
)

// campfireSchema is a ONCE Campfire database as its db/schema.rb describes it (Rails' SQLite column
// types), written for these tests.
const campfireSchema = `
CREATE TABLE accounts (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  custom_styles text, join_code varchar NOT NULL, name varchar NOT NULL, settings json,
  singleton_guard integer DEFAULT 0 NOT NULL, updated_at datetime(6) NOT NULL);
CREATE UNIQUE INDEX index_accounts_on_singleton_guard ON accounts (singleton_guard);
CREATE TABLE action_text_rich_texts (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, body text,
  created_at datetime(6) NOT NULL, name varchar NOT NULL, record_id bigint NOT NULL,
  record_type varchar NOT NULL, updated_at datetime(6) NOT NULL);
CREATE UNIQUE INDEX index_action_text_rich_texts_uniqueness ON action_text_rich_texts (record_type, record_id, name);
CREATE TABLE active_storage_blobs (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, byte_size bigint NOT NULL,
  checksum varchar, content_type varchar, created_at datetime(6) NOT NULL, filename varchar NOT NULL,
  key varchar NOT NULL, metadata text, service_name varchar NOT NULL);
CREATE UNIQUE INDEX index_active_storage_blobs_on_key ON active_storage_blobs (key);
CREATE TABLE active_storage_attachments (id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  blob_id bigint NOT NULL REFERENCES active_storage_blobs (id), created_at datetime(6) NOT NULL,
  name varchar NOT NULL, record_id bigint NOT NULL, record_type varchar NOT NULL);
CREATE UNIQUE INDEX index_active_storage_attachments_uniqueness ON active_storage_attachments (record_type, record_id, name, blob_id);
CREATE TABLE active_storage_variant_records (id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  blob_id bigint NOT NULL REFERENCES active_storage_blobs (id), variation_digest varchar NOT NULL);
CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, bio text, bot_token varchar,
  created_at datetime(6) NOT NULL, email_address varchar, name varchar NOT NULL, password_digest varchar,
  role integer DEFAULT 0 NOT NULL, status integer DEFAULT 0 NOT NULL, updated_at datetime(6) NOT NULL);
CREATE UNIQUE INDEX index_users_on_bot_token ON users (bot_token);
CREATE UNIQUE INDEX index_users_on_email_address ON users (email_address);
CREATE TABLE rooms (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  creator_id bigint NOT NULL, name varchar, type varchar NOT NULL, updated_at datetime(6) NOT NULL);
CREATE TABLE memberships (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, connected_at datetime(6),
  connections integer DEFAULT 0 NOT NULL, created_at datetime(6) NOT NULL, involvement varchar DEFAULT 'mentions',
  room_id integer NOT NULL, unread_at datetime(6), updated_at datetime(6) NOT NULL, user_id integer NOT NULL);
CREATE UNIQUE INDEX index_memberships_on_room_id_and_user_id ON memberships (room_id, user_id);
CREATE TABLE messages (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, client_message_id varchar NOT NULL,
  created_at datetime(6) NOT NULL, creator_id integer NOT NULL REFERENCES users (id),
  room_id integer NOT NULL REFERENCES rooms (id), updated_at datetime(6) NOT NULL);
CREATE INDEX index_messages_on_room_id ON messages (room_id);
CREATE TABLE boosts (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, booster_id integer NOT NULL,
  content varchar(16) NOT NULL, created_at datetime(6) NOT NULL, message_id integer NOT NULL REFERENCES messages (id),
  updated_at datetime(6) NOT NULL);
CREATE TABLE bans (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  ip_address varchar NOT NULL, updated_at datetime(6) NOT NULL, user_id integer NOT NULL REFERENCES users (id));
CREATE TABLE webhooks (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  updated_at datetime(6) NOT NULL, url varchar, user_id integer NOT NULL REFERENCES users (id));
CREATE TABLE push_subscriptions (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, auth_key varchar,
  created_at datetime(6) NOT NULL, endpoint varchar, p256dh_key varchar, updated_at datetime(6) NOT NULL,
  user_agent varchar, user_id integer NOT NULL);
CREATE TABLE searches (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  query varchar NOT NULL, updated_at datetime(6) NOT NULL, user_id integer NOT NULL);
CREATE TABLE sessions (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  ip_address varchar, last_active_at datetime(6) NOT NULL, token varchar NOT NULL, updated_at datetime(6) NOT NULL,
  user_agent varchar, user_id integer NOT NULL);
CREATE VIRTUAL TABLE message_search_index USING fts5(body, tokenize=porter);
`

// fixture is a Campfire storage directory under construction: <dir>/db/production.sqlite3 and the
// ActiveStorage files under <dir>/files/xx/yy/key.
type fixture struct {
	t     testing.TB
	dir   string
	db    *sql.DB
	tx    *sql.Tx // when bulk loading
	clock time.Time
	blobs int
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "storage")
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "db", "production.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(campfireSchema); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: dir, db: db, clock: time.Date(2024, 3, 1, 9, 0, 0, 123456000, time.UTC)}
	t.Cleanup(func() { f.close() })
	return f
}

func (f *fixture) close() {
	if f.db != nil {
		f.db.Close()
		f.db = nil
	}
}

func (f *fixture) dbPath() string { return filepath.Join(f.dir, "db", "production.sqlite3") }

// railsTime is how Rails writes a datetime into SQLite.
func railsTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000") }

// tick advances the fixture's clock and returns the new time.
func (f *fixture) tick(d time.Duration) time.Time {
	f.clock = f.clock.Add(d)
	return f.clock
}

func (f *fixture) exec(q string, args ...any) int64 {
	f.t.Helper()
	var res sql.Result
	var err error
	if f.tx != nil {
		res, err = f.tx.Exec(q, args...)
	} else {
		res, err = f.db.Exec(q, args...)
	}
	if err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	id, _ := res.LastInsertId()
	return id
}

func (f *fixture) begin() {
	tx, err := f.db.Begin()
	if err != nil {
		f.t.Fatal(err)
	}
	f.tx = tx
}

func (f *fixture) commit() {
	if err := f.tx.Commit(); err != nil {
		f.t.Fatal(err)
	}
	f.tx = nil
}

func digest(t testing.TB, password string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func (f *fixture) account(name, code, css string, restrict bool) int64 {
	settings, _ := json.Marshal(map[string]any{"restrict_room_creation_to_administrators": restrict})
	at := railsTime(f.tick(time.Minute))
	return f.exec(`INSERT INTO accounts (name, join_code, custom_styles, settings, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, name, code, css, string(settings), at, at)
}

// user: role 0 member, 1 administrator, 2 bot; status 0 active, 1 deactivated, 2 banned.
func (f *fixture) user(name, email, password string, role, status int) int64 {
	var em, dg any
	if email != "" {
		em = email
	}
	if password != "" {
		dg = digest(f.t, password)
	}
	at := railsTime(f.tick(time.Minute))
	return f.exec(`INSERT INTO users (name, email_address, password_digest, role, status, bio, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, name, em, dg, role, status, "Bio of "+name, at, at)
}

func (f *fixture) bot(name, token, webhook string) int64 {
	at := railsTime(f.tick(time.Minute))
	id := f.exec(`INSERT INTO users (name, role, status, bot_token, created_at, updated_at) VALUES (?, 2, 0, ?, ?, ?)`,
		name, token, at, at)
	if webhook != "" {
		f.exec(`INSERT INTO webhooks (user_id, url, created_at, updated_at) VALUES (?, ?, ?, ?)`, id, webhook, at, at)
	}
	return id
}

func (f *fixture) room(kind, name string, creator int64) int64 {
	at := railsTime(f.tick(time.Minute))
	var n any
	if name != "" {
		n = name
	}
	return f.exec(`INSERT INTO rooms (name, type, creator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		n, "Rooms::"+kind, creator, at, at)
}

func (f *fixture) member(room, user int64, involvement string, unread bool) int64 {
	at := railsTime(f.tick(time.Second))
	var u any
	if unread {
		u = at
	}
	return f.exec(`INSERT INTO memberships (room_id, user_id, involvement, unread_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, room, user, involvement, u, at, at)
}

// messageAt stores a message with an ActionText body ("" for none) created at the given time.
func (f *fixture) messageAt(room, creator int64, body string, at time.Time) int64 {
	ts := railsTime(at)
	id := f.exec(`INSERT INTO messages (room_id, creator_id, client_message_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)`, room, creator, fmt.Sprintf("cmid-%d-%d", room, at.UnixNano()), ts, ts)
	if body != "" {
		f.exec(`INSERT INTO action_text_rich_texts (record_type, record_id, name, body, created_at, updated_at)
			VALUES ('Message', ?, 'body', ?, ?, ?)`, id, body, ts, ts)
	}
	return id
}

func (f *fixture) message(room, creator int64, body string) int64 {
	return f.messageAt(room, creator, body, f.tick(37*time.Second))
}

// blob stores a file the way ActiveStorage's Disk service does and returns the blob id. With
// onDisk false only the database row exists (a file lost on disk).
func (f *fixture) blob(filename, contentType string, data []byte, onDisk bool) int64 {
	f.blobs++
	key := fmt.Sprintf("k%02dx%027d", f.blobs, f.blobs)
	sum := sha256.Sum256(data)
	id := f.exec(`INSERT INTO active_storage_blobs (key, filename, content_type, byte_size, checksum, service_name,
		metadata, created_at) VALUES (?, ?, ?, ?, ?, 'local', '{}', ?)`, key, filename, contentType, len(data),
		base64.StdEncoding.EncodeToString(sum[:16]), railsTime(f.clock))
	if onDisk {
		p := filepath.Join(f.dir, "files", key[0:2], key[2:4], key)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			f.t.Fatal(err)
		}
	}
	return id
}

func (f *fixture) attach(recordType string, recordID int64, name string, blobID int64) {
	f.exec(`INSERT INTO active_storage_attachments (record_type, record_id, name, blob_id, created_at)
		VALUES (?, ?, ?, ?, ?)`, recordType, recordID, name, blobID, railsTime(f.clock))
}

func (f *fixture) boost(message, booster int64, content string) int64 {
	at := railsTime(f.tick(3 * time.Second))
	return f.exec(`INSERT INTO boosts (message_id, booster_id, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		message, booster, content, at, at)
}

func (f *fixture) ban(user int64, ip string) {
	at := railsTime(f.tick(time.Second))
	f.exec(`INSERT INTO bans (user_id, ip_address, created_at, updated_at) VALUES (?, ?, ?, ?)`, user, ip, at, at)
}

// sgid is a signed GlobalID of a user as Rails 7.1+ writes it: base64 JSON, "--", a signature (which
// the importer cannot and does not check).
func sgid(userID int64) string {
	payload, _ := json.Marshal(map[string]any{"_rails": map[string]any{
		"data": fmt.Sprintf("gid://campfire/User/%d", userID), "pur": "attachable"}})
	return base64.StdEncoding.EncodeToString(payload) + "--" + hex.EncodeToString([]byte("not-a-real-signature"))
}

// oldSGID is the pre-7.1 form: the GlobalID inside a base64 Marshal dump in _rails.message.
func oldSGID(userID int64) string {
	gid := fmt.Sprintf("gid://campfire/User/%d", userID)
	marshal := append([]byte{0x04, 0x08, 'I', '"', byte(len(gid) + 5)}, gid...)
	marshal = append(marshal, 0x06, ':', 0x06, 'E', 'T')
	payload, _ := json.Marshal(map[string]any{"_rails": map[string]any{
		"message": base64.StdEncoding.EncodeToString(marshal), "exp": nil, "pur": "attachable"}})
	return base64.URLEncoding.EncodeToString(payload) + "--0123456789abcdef"
}

// mention is a Campfire mention attachment as ActionText stores it.
func mention(sg, name string) string {
	content := `<span class="mention"><img src="/users/1/avatar" class="avatar"> ` + name + `</span>`
	return `<action-text-attachment sgid="` + sg + `" content-type="application/vnd.campfire.mention" content="` +
		html.EscapeString(content) + `"></action-text-attachment>`
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// snapshot hashes every file under dir (names and contents), to prove the import wrote nothing there.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = "dir"
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t testing.TB, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("source changed: %s", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("source gained a file: %s", k)
		}
	}
}

// world is the fixture's cast: Campfire ids of what the tests look at.
type world struct {
	ada, bob, carol, dave, eve, frank, deployBot, quietBot       int64
	allTalk, watercooler, secret, dmAdaBob, dmBobCarol, dmAgain  int64
	mentionMsg, ogMsg, playMsg, playUnknown, attachMsg, lostFile int64
	botMsg, blankMsg, richMsg, xssMsg, searchMsg, unknownMention int64
	textAndFile, inlineFile, earlyButLate, dmMsg                 int64
	boostOK, boostTooLong                                        int64
	messages                                                     int // rows in messages
	adaPassword, bobPassword, botToken                           string
}

// build fills the fixture with a small Campfire covering every kind of row, plus filler messages.
func (f *fixture) build(filler int) *world {
	w := &world{adaPassword: "ada-old-secret-1", bobPassword: "bob-old-secret-2", botToken: "DeployT0ken12"}
	acc := f.account("Acme HQ", "AbCd-EfGh-IjKl", ".message { color: teal }", true)
	f.attach("Account", acc, "logo", f.blob("logo.png", "image/png", pngBytes(f.t, 64, 64), true))

	w.ada = f.user("Ada Admin", "ada@acme.test", w.adaPassword, 1, 0)
	w.bob = f.user("Bob Member", "bob@acme.test", w.bobPassword, 0, 0)
	w.carol = f.user("Carol Member", "carol@acme.test", "carol-old-secret", 0, 0)
	w.dave = f.user("Dave Gone", "dave-deactivated-5e1b0c6a@acme.test", "dave-old-secret", 0, 1)
	w.eve = f.user("Eve Banned", "eve@acme.test", "eve-old-secret", 0, 2)
	w.frank = f.user("Frank Avatar", "frank@acme.test", "frank-old-secret", 0, 0)
	f.attach("User", w.frank, "avatar", f.blob("frank.png", "image/png", pngBytes(f.t, 32, 32), true))
	w.deployBot = f.bot("Deploy Bot", w.botToken, "https://bots.example.com/deploy")
	w.quietBot = f.bot("Quiet Bot", "QuietT0ken123", "")
	f.ban(w.eve, "8.8.4.4")
	f.ban(w.eve, "10.0.0.1") // Campfire refuses private addresses too; an old row may still hold one

	w.allTalk = f.room("Open", "All Talk", w.ada)
	w.watercooler = f.room("Open", "Watercooler", w.bob)
	w.secret = f.room("Closed", "Secret Plans", w.ada)
	w.dmAdaBob = f.room("Direct", "", w.ada)
	w.dmBobCarol = f.room("Direct", "", w.bob)
	w.dmAgain = f.room("Direct", "", w.bob) // Campfire does not prevent a second DM of the same people

	for _, u := range []int64{w.ada, w.bob, w.carol, w.eve, w.frank, w.deployBot, w.quietBot} {
		inv := "mentions"
		if u == w.carol {
			inv = "everything"
		}
		f.member(w.allTalk, u, inv, u == w.bob)
	}
	for _, u := range []int64{w.ada, w.bob, w.carol, w.eve, w.frank, w.deployBot, w.quietBot} {
		inv := "mentions"
		if u == w.bob {
			inv = "invisible"
		}
		f.member(w.watercooler, u, inv, false)
	}
	f.member(w.secret, w.ada, "everything", false)
	f.member(w.secret, w.bob, "nothing", false)
	f.member(w.dmAdaBob, w.ada, "everything", false)
	f.member(w.dmAdaBob, w.bob, "everything", true)
	f.member(w.dmBobCarol, w.bob, "everything", false)
	f.member(w.dmBobCarol, w.carol, "everything", false)
	f.member(w.dmAgain, w.bob, "everything", false)
	f.member(w.dmAgain, w.ada, "everything", false)

	f.begin()
	w.mentionMsg = f.message(w.allTalk, w.ada, `<div>Hey `+mention(sgid(w.bob), "Bob Member")+` and `+
		mention(oldSGID(w.carol), "Carol Member")+`, look</div>`)
	w.boostOK = f.boost(w.mentionMsg, w.bob, "🎉")
	f.boost(w.mentionMsg, w.carol, "nice one")
	w.boostTooLong = f.boost(w.mentionMsg, w.carol, "this is far longer than sixteen")
	w.ogMsg = f.message(w.watercooler, w.bob, `<div>https://example.com/article</div>`+
		`<action-text-attachment content-type="application/vnd.actiontext.opengraph-embed" href="https://example.com/article" `+
		`url="https://example.com/cover.png" filename="An Article" caption="All about &lt;b&gt;it&lt;/b&gt;"></action-text-attachment>`)
	w.playMsg = f.message(w.allTalk, w.carol, "/play tada")
	w.playUnknown = f.message(w.allTalk, w.carol, "/play nosuchsound")
	w.attachMsg = f.message(w.secret, w.bob, "")
	f.attach("Message", w.attachMsg, "attachment", f.blob("plan.png", "image/png", pngBytes(f.t, 40, 30), true))
	w.lostFile = f.message(w.secret, w.bob, "")
	f.attach("Message", w.lostFile, "attachment", f.blob("lost.pdf", "application/pdf", []byte("%PDF-1.4 lost"), false))
	w.botMsg = f.message(w.allTalk, w.deployBot, "Deployed v1.2.3 to production")
	w.blankMsg = f.message(w.allTalk, w.bob, "<div><br></div>")
	w.richMsg = f.message(w.allTalk, w.ada, `<div><strong>bold</strong> <em>it</em><br><a href="https://x.test/p">link</a></div><pre>code  block</pre><ul><li>one</li></ul>`)
	w.xssMsg = f.message(w.allTalk, w.bob, `<div>hi<script>alert(1)</script><img src=x onerror="alert(2)"></div>`)
	w.searchMsg = f.message(w.watercooler, w.carol, "<div>Who wants to go to Zanzibar next summer?</div>")
	w.unknownMention = f.message(w.allTalk, w.ada, `<div>ping `+mention(sgid(999), "Ghost User")+`</div>`)
	w.textAndFile = f.message(w.allTalk, w.frank, "<div>Here is the report</div>")
	f.attach("Message", w.textAndFile, "attachment", f.blob("report.txt", "text/plain", []byte("quarterly numbers\n"), true))
	inline := f.blob("diagram.png", "image/png", pngBytes(f.t, 20, 20), true)
	w.inlineFile = f.message(w.allTalk, w.ada, `<action-text-attachment sgid="`+
		base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"_rails":{"data":"gid://campfire/ActiveStorage::Blob/%d","pur":"attachable"}}`, inline)))+
		`--sig" content-type="image/png" filename="diagram.png"></action-text-attachment>`)
	w.dmMsg = f.message(w.dmAdaBob, w.bob, "<div>psst, just between us</div>")
	f.message(w.dmAgain, w.ada, "<div>same two people, another Campfire DM</div>")
	f.message(w.dmBobCarol, w.carol, "<div>lunch?</div>")
	// inserted now (a higher id) but created before everything above: it must come first
	w.earlyButLate = f.messageAt(w.allTalk, w.ada, "<div>The very first message</div>", time.Date(2024, 2, 1, 8, 0, 0, 0, time.UTC))

	rooms := []int64{w.allTalk, w.watercooler, w.secret, w.dmAdaBob, w.dmBobCarol}
	people := map[int64][]int64{
		w.allTalk: {w.ada, w.bob, w.carol, w.frank}, w.watercooler: {w.bob, w.carol, w.frank},
		w.secret: {w.ada, w.bob}, w.dmAdaBob: {w.ada, w.bob}, w.dmBobCarol: {w.bob, w.carol},
	}
	for i := 0; i < filler; i++ {
		room := rooms[i%len(rooms)]
		who := people[room][i%len(people[room])]
		body := fmt.Sprintf("<div>Filler message %d about topic%d</div>", i, i%17)
		if i%50 == 7 {
			body = fmt.Sprintf("<div>%s said %d</div>", mention(sgid(people[room][0]), "someone"), i)
		}
		id := f.message(room, who, body)
		if i%25 == 3 {
			f.boost(id, people[room][0], "👍")
		}
	}
	f.commit()
	var n int
	if err := f.db.QueryRow("SELECT COUNT(*) FROM messages").Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	w.messages = n
	return w
}

// bulk makes a large Campfire quickly: users, a few rooms, n messages with some mentions and boosts.
func (f *fixture) bulk(n int) {
	f.account("Bulk Co", "Bulk-Bulk-Bulk", "", false)
	users := make([]int64, 0, 50)
	pw := digest(f.t, "bulk-password")
	f.begin()
	for i := 0; i < 50; i++ {
		at := railsTime(f.tick(time.Second))
		role := 0
		if i == 0 {
			role = 1
		}
		users = append(users, f.exec(`INSERT INTO users (name, email_address, password_digest, role, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, 0, ?, ?)`, fmt.Sprintf("User %02d", i), fmt.Sprintf("u%02d@bulk.test", i), pw, role, at, at))
	}
	var rooms []int64
	for i := 0; i < 10; i++ {
		kind := "Open"
		if i >= 7 {
			kind = "Closed"
		}
		r := f.room(kind, fmt.Sprintf("Room %d", i), users[0])
		rooms = append(rooms, r)
		for j, u := range users {
			if kind == "Open" || j%3 == 0 {
				f.member(r, u, "mentions", false)
			}
		}
	}
	msg, err := f.tx.Prepare(`INSERT INTO messages (room_id, creator_id, client_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		f.t.Fatal(err)
	}
	body, err := f.tx.Prepare(`INSERT INTO action_text_rich_texts (record_type, record_id, name, body, created_at, updated_at) VALUES ('Message', ?, 'body', ?, ?, ?)`)
	if err != nil {
		f.t.Fatal(err)
	}
	words := strings.Fields("the quick brown fox jumps over lazy dogs while campfire crackles softly tonight deploy release ship")
	for i := 0; i < n; i++ {
		room := rooms[i%len(rooms)]
		who := users[0]
		if i%len(rooms) < 7 {
			who = users[i%len(users)]
		} else {
			who = users[(i%17)*3%len(users)]
		}
		at := railsTime(f.tick(time.Second))
		res, err := msg.Exec(room, who, fmt.Sprintf("c%d", i), at, at)
		if err != nil {
			f.t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		text := fmt.Sprintf("<div>%s %s %s number %d</div>", words[i%len(words)], words[(i*7)%len(words)], words[(i*13)%len(words)], i)
		if i%20 == 0 {
			text = fmt.Sprintf("<div>%s have a look at %d</div>", mention(sgid(users[0]), "User 00"), i)
		}
		if _, err := body.Exec(id, text, at, at); err != nil {
			f.t.Fatal(err)
		}
		if i%10 == 0 {
			f.exec(`INSERT INTO boosts (message_id, booster_id, content, created_at, updated_at) VALUES (?, ?, '👍', ?, ?)`, id, users[1], at, at)
		}
	}
	msg.Close()
	body.Close()
	f.commit()
}
