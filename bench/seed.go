package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver PocketBase uses
)

// The seeded data: `campfire seed` makes the bulk (users, 100 shared rooms, the messages with their
// search index, boosts); the harness then adds, straight into the stopped server's database, the rooms
// its rows need and the few rare words searches look for.

// member is a seeded user the harness acts as.
type member struct {
	id, tokenKey string
}

type seedInfo struct {
	dir          string
	usersCol     string
	secret       string
	adminEmail   string
	password     string
	users        []member // seeded members (the administrator excluded), in creation order
	sharedRooms  []string // the rooms `campfire seed` made
	searchRooms  []string // the 20 rooms of the search user
	openRoom     string   // the room opened by the room-open row (the busiest one of the search user)
	postRooms    []string
	fanRoom      string
	crowdRoom    string
	auditRooms   []string
	overloadRoom string
	messages     int64 // messages in the database
	rareWords    []string
	commonWords  []string
	seedTook     time.Duration
	seedOutput   string
	extraTook    time.Duration
}

// Fixed roles of the seeded members (indexes into seedInfo.users).
const (
	searchUserIdx = 0
	postersFrom   = 1   // 16 posters (post and audit rows)
	postSubsFrom  = 17  // 100 subscribers of the post row
	fanPosterFrom = 117 // 4 posters of the fan-out row
	pushUserFrom  = 121 // 2 members with a push subscription (audit rooms)
	fanSubsFrom   = 123 // fan-out subscribers, then the overload posters reuse them
	nPosters      = 16
	nPostSubs     = 100
	nFanPosters   = 4
	nPushUsers    = 2
)

func (s *seedInfo) token(i int) string {
	u := s.users[i]
	return mintToken(u.id, s.usersCol, u.tokenKey, s.secret)
}

var rareWords = []string{"zephyr", "quokka", "marzipan", "obsidian", "fjord", "kumquat", "halcyon", "tundra", "saffron", "xylophone"}

// seedFile keeps what the harness knows about a seeded dir, for -reuse.
const seedFile = "bench-seed.json"

type savedSeed struct {
	UsersCol, Secret, AdminEmail, Password string
	Users                                  [][2]string
	SharedRooms, SearchRooms, PostRooms    []string
	AuditRooms, RareWords, CommonWords     []string
	OpenRoom, FanRoom, CrowdRoom           string
	OverloadRoom, SeedOutput               string
	Messages                               int64
}

func (s *seedInfo) save() error {
	v := savedSeed{UsersCol: s.usersCol, Secret: s.secret, AdminEmail: s.adminEmail, Password: s.password,
		SharedRooms: s.sharedRooms, SearchRooms: s.searchRooms, PostRooms: s.postRooms, AuditRooms: s.auditRooms,
		RareWords: s.rareWords, CommonWords: s.commonWords, OpenRoom: s.openRoom, FanRoom: s.fanRoom,
		CrowdRoom: s.crowdRoom, OverloadRoom: s.overloadRoom, SeedOutput: s.seedOutput, Messages: s.messages}
	for _, u := range s.users {
		v.Users = append(v.Users, [2]string{u.id, u.tokenKey})
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.dir, seedFile), data, 0o600)
}

// loadSeed reads a seeded dir left by an earlier run (-reuse).
func loadSeed(dir string) (*seedInfo, error) {
	data, err := os.ReadFile(filepath.Join(dir, seedFile))
	if err != nil {
		return nil, err
	}
	var v savedSeed
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	s := &seedInfo{dir: dir, usersCol: v.UsersCol, secret: v.Secret, adminEmail: v.AdminEmail, password: v.Password,
		sharedRooms: v.SharedRooms, searchRooms: v.SearchRooms, postRooms: v.PostRooms, auditRooms: v.AuditRooms,
		rareWords: v.RareWords, commonWords: v.CommonWords, openRoom: v.OpenRoom, fanRoom: v.FanRoom,
		crowdRoom: v.CrowdRoom, overloadRoom: v.OverloadRoom, seedOutput: v.SeedOutput + " (reused)", messages: v.Messages}
	for _, u := range v.Users {
		s.users = append(s.users, member{id: u[0], tokenKey: u[1]})
	}
	return s, nil
}

// seedData seeds dir and returns what the rows need.
func (h *harness) seedData(ctx context.Context, dir string) (*seedInfo, error) {
	c := h.cfg
	info := &seedInfo{dir: dir, adminEmail: "admin@bench.test", password: "bench-password-1"}
	start := time.Now()
	out, err := runCLI(ctx, h, nil, "seed", "--dir", dir, "--users", fmt.Sprint(c.users), "--rooms", "100",
		"--messages", fmt.Sprint(c.messages), "--directs", "0", "--seed", "42",
		"--password", info.password, "--admin", info.adminEmail)
	if err != nil {
		return nil, fmt.Errorf("campfire seed: %v\n%s", err, truncate(out, 2000))
	}
	info.seedTook = time.Since(start)
	info.seedOutput = lastLine(out, "seeded ")

	start = time.Now()
	db, err := openDB(filepath.Join(dir, "data.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := info.load(db); err != nil {
		return nil, err
	}
	need := fanSubsFrom + max(c.fanSubs, c.overloadPosters)
	if len(info.users) < need || len(info.users) < c.connClients {
		return nil, fmt.Errorf("seeded %d members, the rows need %d", len(info.users), max(need, c.connClients))
	}
	if err := info.addBenchRooms(db, c); err != nil {
		return nil, err
	}
	if err := info.addRareMessages(db); err != nil {
		return nil, err
	}
	if err := info.addOpenRoomBoosts(db); err != nil {
		return nil, err
	}
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return nil, err
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM messages").Scan(&info.messages); err != nil {
		return nil, err
	}
	info.extraTook = time.Since(start)
	info.commonWords = []string{"deploy", "database", "release", "customer", "deploy database", "search index"}
	info.rareWords = rareWords
	return info, info.save()
}

func lastLine(out, prefix string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], prefix) {
			return lines[i]
		}
	}
	return ""
}

// openDB opens a SQLite file with PocketBase's pragmas.
func openDB(path string) (*sql.DB, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, db.Ping()
}

func (s *seedInfo) load(db *sql.DB) error {
	var id, options string
	if err := db.QueryRow("SELECT id, options FROM _collections WHERE name = 'users'").Scan(&id, &options); err != nil {
		return fmt.Errorf("users collection: %w", err)
	}
	var opts struct {
		AuthToken struct {
			Secret string `json:"secret"`
		} `json:"authToken"`
	}
	if err := json.Unmarshal([]byte(options), &opts); err != nil || opts.AuthToken.Secret == "" {
		return fmt.Errorf("users collection: no auth token secret (%v)", err)
	}
	s.usersCol, s.secret = id, opts.AuthToken.Secret
	rows, err := db.Query("SELECT id, tokenKey FROM users WHERE role = 'member' AND status = 'active' ORDER BY rowid")
	if err != nil {
		return err
	}
	for rows.Next() {
		var m member
		if err := rows.Scan(&m.id, &m.tokenKey); err != nil {
			rows.Close()
			return err
		}
		s.users = append(s.users, m)
	}
	rows.Close()
	rows, err = db.Query("SELECT id FROM rooms WHERE kind != 'direct' AND name != 'All Talk' ORDER BY rowid")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		s.sharedRooms = append(s.sharedRooms, id)
	}
	rows.Close()
	if len(s.sharedRooms) < 20 {
		return fmt.Errorf("seeded %d shared rooms, want 100", len(s.sharedRooms))
	}
	return nil
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

func newID() string {
	b := make([]byte, 15)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(idAlphabet))))
		b[i] = idAlphabet[n.Int64()]
	}
	return string(b)
}

func pbTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// addBenchRooms gives the search user exactly 20 of the seeded rooms and makes the rooms of the rows.
func (s *seedInfo) addBenchRooms(db *sql.DB, c sizes) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ts := pbTime(time.Now())
	roomStmt, err := tx.Prepare(`INSERT INTO rooms (id, name, kind, creator, direct_key, created, updated) VALUES (?, ?, 'closed', ?, '', ?, ?)`)
	if err != nil {
		return err
	}
	memStmt, err := tx.Prepare(`INSERT OR IGNORE INTO memberships (id, room, user, involvement, created, updated) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	add := func(room string, from, n int, involvement string) error {
		for i := from; i < from+n; i++ {
			if _, err := memStmt.Exec(newID(), room, s.users[i].id, involvement, ts, ts); err != nil {
				return err
			}
		}
		return nil
	}
	newRoom := func(name string) (string, error) {
		id := newID()
		_, err := roomStmt.Exec(id, name, s.users[0].id, ts, ts)
		return id, err
	}

	// the search user: every fifth seeded room (the seed gives room i a share of the messages that
	// falls with i, so these are busy and quiet ones), nothing else
	searchUser := s.users[searchUserIdx].id
	for i := 0; i < len(s.sharedRooms) && len(s.searchRooms) < 20; i += max(1, len(s.sharedRooms)/20) {
		s.searchRooms = append(s.searchRooms, s.sharedRooms[i])
	}
	s.openRoom = s.searchRooms[0]
	in := "'" + strings.Join(s.searchRooms, "','") + "'"
	if _, err := tx.Exec("DELETE FROM memberships WHERE user = ? AND room NOT IN ("+in+")", searchUser); err != nil {
		return err
	}
	for _, r := range s.searchRooms {
		if _, err := memStmt.Exec(newID(), r, searchUser, "mentions", ts, ts); err != nil {
			return err
		}
	}
	for k := 0; k < 4; k++ {
		id, err := newRoom(fmt.Sprintf("Bench post %d", k+1))
		if err != nil {
			return err
		}
		s.postRooms = append(s.postRooms, id)
		if err := add(id, postersFrom, nPosters+nPostSubs, "mentions"); err != nil {
			return err
		}
	}
	if s.fanRoom, err = newRoom("Bench fan-out"); err != nil {
		return err
	}
	if err := add(s.fanRoom, fanPosterFrom, nFanPosters, "mentions"); err != nil {
		return err
	}
	if err := add(s.fanRoom, fanSubsFrom, c.fanSubs, "mentions"); err != nil {
		return err
	}
	if s.crowdRoom, err = newRoom("Bench crowd"); err != nil {
		return err
	}
	if err := add(s.crowdRoom, 0, c.connClients, "mentions"); err != nil {
		return err
	}
	for k := 0; k < 4; k++ {
		id, err := newRoom(fmt.Sprintf("Bench audit %d", k+1))
		if err != nil {
			return err
		}
		s.auditRooms = append(s.auditRooms, id)
		if err := add(id, postersFrom, nPosters, "mentions"); err != nil {
			return err
		}
		if err := add(id, pushUserFrom, nPushUsers, "everything"); err != nil {
			return err
		}
	}
	if s.overloadRoom, err = newRoom("Bench overload"); err != nil {
		return err
	}
	if err := add(s.overloadRoom, fanSubsFrom, c.overloadPosters, "mentions"); err != nil {
		return err
	}
	return tx.Commit()
}

// addRareMessages adds 20 messages for each rare word, spread over the seeded rooms, through the same
// INSERT (and search index trigger) as the seed.
func (s *seedInfo) addRareMessages(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var number, seq int64
	if err := tx.QueryRow("SELECT value FROM campfire_counters WHERE name = 'number'").Scan(&number); err != nil {
		return err
	}
	if err := tx.QueryRow("SELECT value FROM campfire_counters WHERE name = 'seq'").Scan(&seq); err != nil {
		return err
	}
	stmt, err := tx.Prepare(`INSERT INTO messages (id, room, creator, body, plain, client_message_id, kind, mentions, number, seq, created, updated)
		VALUES (?, ?, ?, ?, ?, ?, 'text', '[]', ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	creator := s.users[1].id
	at := time.Now().Add(-48 * time.Hour)
	k := 0
	for _, w := range rareWords {
		for j := 0; j < 20; j++ {
			k++
			room := s.sharedRooms[(k*7)%len(s.sharedRooms)]
			text := fmt.Sprintf("Found the %s notes for the release review", w)
			number++
			seq++
			ts := pbTime(at.Add(time.Duration(k) * time.Minute))
			if _, err := stmt.Exec(newID(), room, creator, text, text, fmt.Sprintf("rare%04d", k), number, seq, ts, ts); err != nil {
				return err
			}
		}
	}
	if _, err := tx.Exec("UPDATE campfire_counters SET value = ? WHERE name = 'number'", number); err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE campfire_counters SET value = ? WHERE name = 'seq'", seq); err != nil {
		return err
	}
	return tx.Commit()
}

// addOpenRoomBoosts boosts every third of the newest 40 messages of the room the room-open row opens,
// so that its page always carries boosts (the seed boosts 1 message in 40 at random).
func (s *seedInfo) addOpenRoomBoosts(db *sql.DB) error {
	rows, err := db.Query("SELECT id FROM messages WHERE room = ? AND deleted_at = '' ORDER BY number DESC LIMIT 40", s.openRoom)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	ts := pbTime(time.Now())
	for i := 0; i < len(ids); i += 3 {
		for k, content := range []string{"👍", "🎉"}[:1+i%2] {
			if _, err := db.Exec("INSERT INTO boosts (id, message, booster, content, created) VALUES (?, ?, ?, ?, ?)",
				newID(), ids[i], s.users[2+k].id, content, ts); err != nil {
				return err
			}
		}
	}
	return nil
}
