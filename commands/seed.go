package commands

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/richtext"
	"github.com/pocketcampfire/campfire/rooms"
)

// SeedOptions say how much demo data Seed makes.
type SeedOptions struct {
	Users    int    // new members
	Rooms    int    // new shared rooms (about a quarter closed)
	Directs  int    // new direct rooms between two members
	Messages int    // new messages, spread over the rooms, oldest first
	Days     int    // the messages span the last Days days
	Password string // every new user's password (and the administrator's on a fresh install)
	Admin    string // the administrator's email on a fresh install
	Batch    int    // messages per transaction
	Seed     uint64 // random seed (0: random); the same seed gives the same names and texts
	Out      io.Writer
}

// SeedResult reports what Seed made and how fast.
type SeedResult struct {
	Users, Rooms, Directs, Memberships, Messages, Boosts int
	Took                                                 time.Duration
	MessageTime                                          time.Duration // the message phase alone
}

func newSeedCommand(app *pocketbase.PocketBase) *cobra.Command {
	o := SeedOptions{}
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Fills the database with realistic demo data (users, rooms, messages), fast enough for benchmarks",
		Long: `Fills the database with demo data: members with names and a shared password, open and closed
rooms, direct rooms, and messages spread over time with mentions and boosts. It writes straight into
the tables in large transactions (search index included, through its triggers), so a million messages
take a minute or so; hooks, webhooks and pushes do not run for seeded data. On a fresh data dir it
first sets the account up with an administrator.`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Out = cmd.OutOrStdout()
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations: %w", err)
			}
			res, err := Seed(cmd.Context(), app, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(o.Out, "seeded %d users, %d rooms, %d direct rooms, %d memberships, %d messages, %d boosts in %s",
				res.Users, res.Rooms, res.Directs, res.Memberships, res.Messages, res.Boosts, res.Took.Round(time.Millisecond))
			if res.Messages > 0 && res.MessageTime > 0 {
				fmt.Fprintf(o.Out, " (%.0f messages/s)", float64(res.Messages)/res.MessageTime.Seconds())
			}
			fmt.Fprintf(o.Out, "\nevery seeded user signs in with the password %q\n", o.Password)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Users, "users", 50, "members to create")
	f.IntVar(&o.Rooms, "rooms", 10, "shared rooms to create (about a quarter closed)")
	f.IntVar(&o.Directs, "directs", -1, "direct rooms to create (default: users/2, at most 200)")
	f.IntVar(&o.Messages, "messages", 5000, "messages to create")
	f.IntVar(&o.Days, "days", 90, "the messages span this many past days")
	f.StringVar(&o.Password, "password", "campfire-demo", "the password of every seeded user")
	f.StringVar(&o.Admin, "admin", "admin@example.com", "the administrator's email on a fresh install")
	f.IntVar(&o.Batch, "batch", 50000, "messages per transaction")
	f.Uint64Var(&o.Seed, "seed", 0, "random seed for repeatable data (0: random)")
	return cmd
}

// Seed writes demo data into app (migrated, bootstrapped). See the seed command.
func Seed(ctx context.Context, app core.App, o SeedOptions) (*SeedResult, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Users < 0 || o.Rooms < 0 || o.Messages < 0 || o.Days < 0 {
		return nil, errors.New("seed: counts must not be negative")
	}
	if len(o.Password) < 8 {
		return nil, errors.New("seed: the password needs at least 8 characters")
	}
	if o.Directs < 0 {
		o.Directs = min(o.Users/2, 200)
	}
	if o.Batch <= 0 {
		o.Batch = 50000
	}
	if o.Admin == "" {
		o.Admin = "admin@example.com"
	}
	if o.Days == 0 {
		o.Days = 1
	}
	seed := o.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	s := &seeder{app: app, o: o, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), res: &SeedResult{}}
	start := time.Now()
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	s.res.Took = time.Since(start)
	return s.res, nil
}

type seedUser struct{ id, name string }

type seedRoom struct {
	id, kind string
	members  []int // indexes into seeder.users
	weight   float64
	last     time.Time
}

type seeder struct {
	app   core.App
	o     SeedOptions
	rnd   *rand.Rand
	res   *SeedResult
	db    *sql.DB
	users []seedUser // every active user: existing ones first, then the new ones
	rooms []*seedRoom
	admin string
}

func (s *seeder) run(ctx context.Context) error {
	if !accounts.IsSetUp(s.app) {
		admin, err := accounts.FirstRun(s.app, accounts.Person{Name: "Ada Admin", Email: s.o.Admin, Password: s.o.Password})
		if err != nil {
			return fmt.Errorf("seed: set the account up: %w", err)
		}
		fmt.Fprintf(s.o.Out, "set the account up: administrator %s\n", s.o.Admin)
		s.admin = admin.Id
	}
	ncdb, ok := s.app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return errors.New("seed: the app has no plain database handle")
	}
	s.db = ncdb.DB()
	// A big page cache keeps the indexes in memory while millions of rows go in.
	if _, err := s.db.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer s.db.ExecContext(context.Background(), "PRAGMA cache_size = -32000")

	if err := s.loadExisting(ctx); err != nil {
		return err
	}
	if err := s.tx(ctx, s.insertUsers); err != nil {
		return fmt.Errorf("seed users: %w", err)
	}
	if err := s.tx(ctx, s.insertRooms); err != nil {
		return fmt.Errorf("seed rooms: %w", err)
	}
	if err := s.insertMessages(ctx); err != nil {
		return fmt.Errorf("seed messages: %w", err)
	}
	return nil
}

// tx runs fn in one raw SQL transaction on the app's single writer connection.
func (s *seeder) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *seeder) loadExisting(ctx context.Context) error {
	var existing []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
		Role string `db:"role"`
	}
	if err := s.app.DB().NewQuery("SELECT id, name, role FROM users WHERE status = 'active' ORDER BY created").
		WithContext(ctx).All(&existing); err != nil {
		return fmt.Errorf("seed: read users: %w", err)
	}
	for _, u := range existing {
		s.users = append(s.users, seedUser{id: u.ID, name: u.Name})
		if s.admin == "" && u.Role == "administrator" {
			s.admin = u.ID
		}
	}
	if s.admin == "" && len(existing) > 0 {
		s.admin = existing[0].ID
	}
	// existing open rooms get the new users and messages too
	var open []string
	if err := s.app.DB().NewQuery("SELECT id FROM rooms WHERE kind = 'open'").Column(&open); err != nil {
		return fmt.Errorf("seed: read rooms: %w", err)
	}
	for _, id := range open {
		s.rooms = append(s.rooms, &seedRoom{id: id, kind: rooms.Open})
	}
	return nil
}

func now() string { return formatTime(time.Now()) }

// formatTime writes a time the way PocketBase stores datetimes.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// id makes a PocketBase record id (15 of [a-z0-9]).
func (s *seeder) id() string {
	var b [15]byte
	for i := range b {
		b[i] = idAlphabet[s.rnd.IntN(len(idAlphabet))]
	}
	return string(b[:])
}

// orderedID makes a record id whose first 8 characters are n in base 36 (digits sort before letters,
// as in byte order), so ids made in order sort in order; the rest is random.
func (s *seeder) orderedID(n int64) string {
	prefix := strconv.FormatInt(n, 36)
	if len(prefix) < 8 {
		prefix = strings.Repeat("0", 8-len(prefix)) + prefix
	}
	return prefix[len(prefix)-8:] + s.id()[:7]
}

func (s *seeder) token(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rnd.IntN(len(alphabet))]
	}
	return string(b)
}

func (s *seeder) insertUsers(tx *sql.Tx) error {
	if s.o.Users == 0 {
		return nil
	}
	// one bcrypt hash for everyone: hashing a million times would take hours
	hash, err := bcrypt.GenerateFromPassword([]byte(s.o.Password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	var offset int
	if err := tx.QueryRow("SELECT COUNT(*) FROM users").Scan(&offset); err != nil {
		return err
	}
	stmt, err := tx.Prepare(`INSERT INTO users (id, email, emailVisibility, verified, password, tokenKey, name, role, status, created, updated)
		VALUES (?, ?, 0, 1, ?, ?, ?, 'member', 'active', ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	ts := now()
	for i := 0; i < s.o.Users; i++ {
		first, last := firstNames[s.rnd.IntN(len(firstNames))], lastNames[s.rnd.IntN(len(lastNames))]
		name := first + " " + last
		email := fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(first), strings.ToLower(last), offset+i+1)
		id := s.id()
		if _, err := stmt.Exec(id, email, string(hash), s.token(50), name, ts, ts); err != nil {
			return fmt.Errorf("insert user %s: %w", email, err)
		}
		s.users = append(s.users, seedUser{id: id, name: name})
	}
	s.res.Users = s.o.Users
	return nil
}

func (s *seeder) insertRooms(tx *sql.Tx) error {
	roomStmt, err := tx.Prepare(`INSERT INTO rooms (id, name, kind, creator, direct_key, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer roomStmt.Close()
	memberStmt, err := tx.Prepare(`INSERT OR IGNORE INTO memberships (id, room, user, involvement, created, updated) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer memberStmt.Close()
	ts := now()
	all := make([]int, len(s.users))
	for i := range all {
		all[i] = i
	}
	addMembers := func(r *seedRoom) error {
		for _, m := range r.members {
			res, err := memberStmt.Exec(s.id(), r.id, s.users[m].id, rooms.DefaultInvolvement(r.kind), ts, ts)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				s.res.Memberships++
			}
		}
		return nil
	}
	// existing open rooms: every user (new users join them)
	for _, r := range s.rooms {
		r.members = all
		if err := addMembers(r); err != nil {
			return err
		}
	}
	for i := 0; i < s.o.Rooms; i++ {
		name := roomNames[i%len(roomNames)]
		if i >= len(roomNames) {
			name = fmt.Sprintf("%s %d", name, i/len(roomNames)+1)
		}
		r := &seedRoom{id: s.id(), kind: rooms.Open, members: all}
		if i%4 == 3 && len(s.users) > 1 { // every fourth room is closed
			r.kind = rooms.Closed
			n := 3 + s.rnd.IntN(max(1, min(25, len(s.users))))
			r.members = s.pick(n)
			if ai := s.indexOf(s.admin); ai >= 0 && !slices.Contains(r.members, ai) {
				r.members = append(r.members, ai)
			}
		}
		if _, err := roomStmt.Exec(r.id, name, r.kind, s.admin, "", ts, ts); err != nil {
			return err
		}
		if err := addMembers(r); err != nil {
			return err
		}
		s.rooms = append(s.rooms, r)
		s.res.Rooms++
	}
	if len(s.users) >= 2 {
		seen := map[string]bool{}
		rows, err := tx.Query("SELECT direct_key FROM rooms WHERE kind = 'direct'")
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			seen[k] = true
		}
		rows.Close()
		for i, tries := 0, 0; i < s.o.Directs && tries < s.o.Directs*10; tries++ {
			pair := s.pick(2)
			key := rooms.DirectKey([]string{s.users[pair[0]].id, s.users[pair[1]].id})
			if seen[key] {
				continue
			}
			seen[key] = true
			r := &seedRoom{id: s.id(), kind: rooms.Direct, members: pair}
			if _, err := roomStmt.Exec(r.id, "", r.kind, s.users[pair[0]].id, key, ts, ts); err != nil {
				return err
			}
			if err := addMembers(r); err != nil {
				return err
			}
			s.rooms = append(s.rooms, r)
			s.res.Directs++
			i++
		}
	}
	// busy rooms and quiet ones: a Zipf-like share of the messages, direct rooms quieter
	for i, r := range s.rooms {
		r.weight = 1 / math.Pow(float64(i+1), 0.7)
		if r.kind == rooms.Direct {
			r.weight *= 0.3
		}
	}
	return nil
}

// pick returns n distinct user indexes.
func (s *seeder) pick(n int) []int {
	n = min(n, len(s.users))
	out := make([]int, 0, n)
	for len(out) < n {
		i := s.rnd.IntN(len(s.users))
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

func (s *seeder) indexOf(id string) int {
	return slices.IndexFunc(s.users, func(u seedUser) bool { return u.id == id })
}

type seedText struct{ html, plain string }

func (s *seeder) insertMessages(ctx context.Context) error {
	if s.o.Messages == 0 || len(s.rooms) == 0 {
		return nil
	}
	if len(s.users) == 0 {
		return errors.New("no users to post as")
	}
	// texts are prepared once (sanitized, plain text derived) and reused
	texts := make([]seedText, 3000)
	for i := range texts {
		b := richtext.Prepare(s.sentence(), nil)
		texts[i] = seedText{html: b.HTML, plain: b.Plain}
	}
	var number, seq int64
	if err := s.app.DB().NewQuery("SELECT value FROM campfire_counters WHERE name = 'number'").Row(&number); err != nil {
		return fmt.Errorf("read counters: %w", err)
	}
	if err := s.app.DB().NewQuery("SELECT value FROM campfire_counters WHERE name = 'seq'").Row(&seq); err != nil {
		return fmt.Errorf("read counters: %w", err)
	}
	// cumulative weights for picking rooms
	cum := make([]float64, len(s.rooms))
	total := 0.0
	for i, r := range s.rooms {
		total += r.weight
		cum[i] = total
	}
	span := time.Duration(s.o.Days) * 24 * time.Hour
	begin := time.Now().Add(-span)
	step := span / time.Duration(s.o.Messages+1)
	emojis := []string{"👍", "❤️", "😂", "🎉", "🔥", "👀", "🙏", "✅"}

	start := time.Now()
	for done := 0; done < s.o.Messages; {
		n := min(s.o.Batch, s.o.Messages-done)
		err := s.tx(ctx, func(tx *sql.Tx) error {
			// The search index trigger flushes FTS5's memory for every single row; instead the batch is
			// indexed with one statement at its end and the trigger is put back in the same transaction.
			bulk, restore, err := s.suspendSearchTrigger(tx)
			if err != nil {
				return err
			}
			first := number
			msgStmt, err := tx.Prepare(`INSERT INTO messages (id, room, creator, body, plain, client_message_id, kind, mentions, number, seq, created, updated)
				VALUES (?, ?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer msgStmt.Close()
			boostStmt, err := tx.Prepare(`INSERT INTO boosts (id, message, booster, content, created) VALUES (?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer boostStmt.Close()
			for i := 0; i < n; i++ {
				k := done + i
				r := s.rooms[pickCum(cum, s.rnd.Float64()*total)]
				author := s.users[r.members[s.rnd.IntN(len(r.members))]]
				at := begin.Add(step * time.Duration(k+1))
				ts := formatTime(at)
				text := texts[s.rnd.IntN(len(texts))]
				mentions := "[]"
				if len(r.members) > 1 && s.rnd.IntN(50) == 0 { // 2% mention someone in the room
					other := s.users[r.members[s.rnd.IntN(len(r.members))]]
					if other.id != author.id {
						b := richtext.Prepare("@"+other.name+" "+text.plain, []richtext.Member{{ID: other.id, Name: other.name}})
						if len(b.Mentions) > 0 {
							text = seedText{html: b.HTML, plain: b.Plain}
							ids, _ := json.Marshal(b.Mentions)
							mentions = string(ids)
						}
					}
				}
				number++
				seq++
				// ids and client ids that grow with the number are appended to their indexes instead of
				// landing at random places in them: a big part of the speed at a million rows
				id := s.orderedID(number)
				if _, err := msgStmt.Exec(id, r.id, author.id, text.html, text.plain, "seed-"+strconv.FormatInt(number, 36), mentions, number, seq, ts, ts); err != nil {
					return fmt.Errorf("insert message: %w", err)
				}
				if s.rnd.IntN(40) == 0 { // a few boosts
					for b := 0; b < 1+s.rnd.IntN(3); b++ {
						booster := s.users[r.members[s.rnd.IntN(len(r.members))]]
						if _, err := boostStmt.Exec(s.id(), id, booster.id, emojis[s.rnd.IntN(len(emojis))], ts); err != nil {
							return err
						}
						s.res.Boosts++
					}
				}
				r.last = at
			}
			if bulk != "" {
				if _, err := tx.Exec(bulk, first, number); err != nil {
					return fmt.Errorf("index the batch: %w", err)
				}
				if _, err := tx.Exec(restore); err != nil {
					return fmt.Errorf("restore the search trigger: %w", err)
				}
			}
			// counters and room activity move with every batch, so an interrupted seed stays consistent
			if _, err := tx.Exec("UPDATE campfire_counters SET value = ? WHERE name = 'number'", number); err != nil {
				return err
			}
			if _, err := tx.Exec("UPDATE campfire_counters SET value = ? WHERE name = 'seq'", seq); err != nil {
				return err
			}
			for _, r := range s.rooms {
				if !r.last.IsZero() {
					if _, err := tx.Exec("UPDATE rooms SET last_message_at = ? WHERE id = ?", formatTime(r.last), r.id); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += n
		s.res.Messages = done
		if s.o.Messages >= 4*s.o.Batch {
			el := time.Since(start)
			fmt.Fprintf(s.o.Out, "  %d/%d messages (%.0f/s)\n", done, s.o.Messages, float64(done)/el.Seconds())
		}
	}
	s.res.MessageTime = time.Since(start)
	return nil
}

// ftsInsertTrigger matches the search index's insert trigger: one INSERT of new.* values.
var ftsInsertTrigger = regexp.MustCompile(`(?is)BEGIN\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)\s*;\s*END`)

// suspendSearchTrigger drops the messages_fts_ai trigger inside tx and returns the statement that
// indexes messages with number in (?, ?] the way the trigger would, and the statement that recreates
// the trigger. When the trigger is not the expected shape, it is left alone ("" is returned).
func (s *seeder) suspendSearchTrigger(tx *sql.Tx) (bulk, restore string, err error) {
	var def string
	if err := tx.QueryRow("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'messages_fts_ai'").Scan(&def); err != nil {
		return "", "", nil // no search trigger: nothing to do
	}
	m := ftsInsertTrigger.FindStringSubmatch(def)
	if m == nil {
		return "", "", nil
	}
	values := strings.Split(m[3], ",")
	for i, v := range values {
		v = strings.TrimSpace(v)
		if !strings.HasPrefix(strings.ToLower(v), "new.") {
			return "", "", nil
		}
		values[i] = v[len("new."):]
	}
	bulk = fmt.Sprintf("INSERT INTO %s(%s) SELECT %s FROM messages WHERE number > ? AND number <= ? ORDER BY number",
		m[1], m[2], strings.Join(values, ", "))
	if _, err := tx.Exec("DROP TRIGGER messages_fts_ai"); err != nil {
		return "", "", err
	}
	return bulk, def, nil
}

// pickCum finds the index whose cumulative weight covers x.
func pickCum(cum []float64, x float64) int {
	i, _ := slices.BinarySearch(cum, x)
	return min(i, len(cum)-1)
}

// sentence makes a chat-like line of text.
func (s *seeder) sentence() string {
	var b strings.Builder
	switch s.rnd.IntN(6) {
	case 0:
		b.WriteString(openers[s.rnd.IntN(len(openers))] + " ")
	case 1:
		b.WriteString("Quick question: ")
	}
	words := 4 + s.rnd.IntN(16)
	for i := 0; i < words; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocabulary[s.rnd.IntN(len(vocabulary))])
	}
	b.WriteString([]string{".", ".", ".", "?", "!", " 🙂", "..."}[s.rnd.IntN(7)])
	out := b.String()
	return strings.ToUpper(out[:1]) + out[1:]
}

var (
	firstNames = []string{"Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger",
		"Radia", "John", "Katherine", "Donald", "Hedy", "Tim", "Annie", "Guido", "Sophie", "Bjarne", "Mary", "Niklaus",
		"Evelyn", "Rob", "Jean", "Leslie", "Shafi", "Vint", "Joan", "Ward", "Adele", "Brian", "Lynn", "Larry", "Carol",
		"Yukihiro", "Anita", "Rasmus", "Ida", "James", "Fei", "Jeff", "Susan", "Andrew", "Lena", "Omar", "Priya", "Mateo",
		"Aisha", "Kenji", "Nora", "Tariq", "Chloe", "Diego", "Ingrid", "Kwame", "Mei", "Pavel", "Zara", "Luca"}
	lastNames = []string{"Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen",
		"Dijkstra", "Perlman", "McCarthy", "Johnson", "Knuth", "Lamarr", "Berners-Lee", "Easley", "van Rossum", "Wilson",
		"Stroustrup", "Keller", "Wirth", "Boyd", "Pike", "Bartik", "Lamport", "Goldwasser", "Cerf", "Clarke", "Cunningham",
		"Goldberg", "Kernighan", "Conway", "Page", "Shaw", "Matsumoto", "Borg", "Lerdorf", "Rhodes", "Gosling", "Li",
		"Dean", "Kare", "Ng", "Okafor", "Haddad", "Patel", "Garcia", "Khan", "Sato", "Larsen", "Mensah", "Chen", "Novak"}
	roomNames = []string{"Engineering", "Design", "Support", "Marketing", "Random", "Releases", "Ops", "Sales",
		"Product", "Watercooler", "Hiring", "Docs", "Security", "Data", "Mobile", "Frontend", "Backend", "Finance",
		"Customer Success", "Book Club", "Coffee", "Announcements", "Incidents", "Research", "Planning"}
	openers    = []string{"Morning all!", "Heads up:", "FYI", "Good news:", "Hmm,", "Update:", "Reminder:", "Thanks!", "Agreed.", "Nice work."}
	vocabulary = strings.Fields(`the a we our it this that deploy release build test fix bug issue review merge branch
		customer feedback meeting notes design draft plan roadmap sprint ticket today tomorrow later soon maybe
		should could would will can need want think looks great good fine odd slow fast broken working done ready
		shipped staging production server database cache query index search message room thread link doc spec page
		screenshot video call chat team lunch coffee weekend holiday invoice report chart numbers metrics dashboard
		latency error timeout retry rollback migration schema backup restore login password email invite account
		mobile desktop browser update version feature toggle flag config docker image container cluster node
		about after before with without for from into over under again still just also only really quite pretty
		let's please thanks sure yes no okay cool awesome nice huh wow agreed ping pong check look try run ship`)
)
