// Package importer moves a ONCE Campfire (37signals' Rails app) into Campfire on PocketBase: its
// account, users (with their bcrypt password digests, so people sign in with their old passwords),
// roles and statuses, rooms (open, closed, direct), memberships with involvement, messages in their
// original order with their original times (ActionText bodies converted: mentions, OpenGraph embeds,
// files), attachments from ActiveStorage, boosts, bots with their keys and webhook URLs, and bans.
//
// The source is read strictly read-only. Every imported row is recorded in the superuser-only
// import_map collection in the same transaction as the record it became, so an import is idempotent
// (run it twice: nothing is duplicated) and resumable (interrupted, the next run continues where the
// last committed batch ended). import_map also keeps Campfire's integer ids reachable: see
// ResolveLegacyRoom and ResolveLegacyBot, which keep old bot URLs working.
//
// Messages do not go through the record-create hook (which would also queue webhooks, pushes and
// unread marks for years-old messages): they are prepared by messages.Prepare and numbered by
// messages.Number exactly like a post, and inserted directly so the FTS triggers index them, in
// batched transactions.
package importer

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// DefaultBatchSize is the number of rows an import writes per transaction.
const DefaultBatchSize = 5000

// Options configure an import.
type Options struct {
	// Path is Campfire's storage directory (the volume holding db/production.sqlite3 and files/), the
	// Rails root, or the SQLite database file itself.
	Path string
	// FilesDir is ActiveStorage's Disk root (the directory with the xx/yy/key files); by default it is
	// looked for next to the database (storage/files).
	FilesDir string
	// BatchSize is the number of rows written per transaction (default 5000: large transactions keep a
	// big import fast; each holds the write lock for about a second).
	BatchSize int
	// Progress receives a progress bar (the command passes stderr); nil draws nothing.
	Progress io.Writer
	// OnProgress, when set, is called after every committed batch.
	OnProgress func(phase string, done, total int)
	// Context stops the import between batches (what is committed stays; the next run continues).
	Context context.Context
}

// Report says what an import did.
type Report struct {
	Database string // the Campfire database read
	FilesDir string // the ActiveStorage directory read ("" when none was found)
	// ReadFromCopy is true when the database had a write-ahead log and was read from a private copy.
	ReadFromCopy bool
	Tables       []*TableReport
	Problems     []Problem
	// Notes are things the import did besides copying rows.
	Notes   []string
	Elapsed time.Duration
}

// TableReport counts one Campfire table.
type TableReport struct {
	Table    string
	Source   int // rows in Campfire
	Imported int // records created by this run
	Existing int // rows imported by an earlier run, or matched to a record that already existed
	Skipped  int // rows not imported (see Problems)
	Elapsed  time.Duration
}

// Problem is something the import could not convert as is, and why.
type Problem struct {
	Table    string
	SourceID string
	Reason   string
}

// Table returns the report of a Campfire table (a zero report when it was not read).
func (r *Report) Table(name string) *TableReport {
	for _, t := range r.Tables {
		if t.Table == name {
			return t
		}
	}
	return &TableReport{Table: name}
}

// WriteSummary prints the counts and the problems, grouped by reason.
func (r *Report) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "Imported from %s", r.Database)
	if r.ReadFromCopy {
		fmt.Fprint(w, " (read from a copy: it had a write-ahead log)")
	}
	fmt.Fprintln(w)
	if r.FilesDir != "" {
		fmt.Fprintf(w, "Files from %s\n", r.FilesDir)
	} else {
		fmt.Fprintln(w, "No ActiveStorage files directory found: attachments, avatars and the logo were not imported")
	}
	fmt.Fprintf(w, "\n%-14s %9s %9s %9s %9s %10s\n", "", "campfire", "imported", "existing", "skipped", "time")
	for _, t := range r.Tables {
		fmt.Fprintf(w, "%-14s %9s %9s %9s %9s %10s\n", t.Table, thousands(t.Source), thousands(t.Imported),
			thousands(t.Existing), thousands(t.Skipped), roundDuration(t.Elapsed))
	}
	fmt.Fprintf(w, "\nTotal time %s\n", roundDuration(r.Elapsed))
	for _, n := range r.Notes {
		fmt.Fprintln(w, "Note: "+n)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "Everything was converted.")
		return
	}
	type group struct {
		table, reason string
		ids           []string
	}
	var groups []*group
	index := map[string]*group{}
	for _, p := range r.Problems {
		k := p.Table + "\x00" + p.Reason
		g := index[k]
		if g == nil {
			g = &group{table: p.Table, reason: p.Reason}
			index[k] = g
			groups = append(groups, g)
		}
		g.ids = append(g.ids, p.SourceID)
	}
	fmt.Fprintf(w, "\nNot converted as is (%d):\n", len(r.Problems))
	for _, g := range groups {
		ids := g.ids
		more := ""
		if len(ids) > 8 {
			more = fmt.Sprintf(" and %d more", len(ids)-8)
			ids = ids[:8]
		}
		fmt.Fprintf(w, "  %s: %s — %d (ids %s%s)\n", g.table, g.reason, len(g.ids), strings.Join(ids, ", "), more)
	}
}

// OnceCampfire imports a ONCE Campfire into app. app must be migrated (the command runs the
// migrations first). The returned report is filled even when an error stops the import.
func OnceCampfire(app core.App, opts Options) (*Report, error) {
	start := time.Now()
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	rep := &Report{}
	src, err := openSource(opts.Path, opts.FilesDir)
	if err != nil {
		return rep, err
	}
	defer src.close()
	rep.Database, rep.FilesDir, rep.ReadFromCopy = src.dbPath, src.filesDir, src.copied

	led, err := loadLedger(app)
	if err != nil {
		return rep, err
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return rep, fmt.Errorf("open file storage: %w", err)
	}
	defer fsys.Close()

	r := &run{
		ctx: opts.Context, app: app, src: src, opts: opts, rep: rep, led: led, fsys: fsys,
		prog:  newProgress(opts.Progress, opts.OnProgress),
		users: map[string]userRef{},
	}
	if col, err := app.FindCachedCollectionByNameOrId("messages"); err == nil {
		r.hasPreviews = col.Fields.GetByName("preview_url") != nil
	}
	// A large import touches indexes (random ids, FTS) far beyond the default page cache of the write
	// connection: give it 256 MB for the import, then restore it.
	var cacheSize int64
	if err := app.NonconcurrentDB().NewQuery("PRAGMA cache_size").Row(&cacheSize); err == nil && cacheSize != 0 {
		if _, err := app.NonconcurrentDB().NewQuery("PRAGMA cache_size = -262144").Execute(); err == nil {
			defer app.NonconcurrentDB().NewQuery(fmt.Sprintf("PRAGMA cache_size = %d", cacheSize)).Execute()
		}
	}
	steps := []struct {
		name string
		fn   func(*TableReport) error
	}{
		{"accounts", r.importAccount},
		{"users", r.importUsers},
		{"rooms", r.importRooms},
		{"memberships", r.importMemberships},
		{"messages", r.importMessages},
		{"boosts", r.importBoosts},
		{"bans", r.importBans},
	}
	for _, s := range steps {
		if err := r.ctx.Err(); err != nil {
			rep.Elapsed = time.Since(start)
			return rep, err
		}
		t := &TableReport{Table: s.name}
		rep.Tables = append(rep.Tables, t)
		t0 := time.Now()
		err := s.fn(t)
		t.Elapsed = time.Since(t0)
		if err != nil {
			rep.Elapsed = time.Since(start)
			return rep, fmt.Errorf("import %s: %w", s.name, err)
		}
	}
	if err := r.finish(); err != nil {
		rep.Elapsed = time.Since(start)
		return rep, err
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// run is the state of one import.
type run struct {
	ctx  context.Context
	app  core.App
	src  *source
	opts Options
	rep  *Report
	led  *ledger
	prog *progress
	fsys *filesystem.System

	users       map[string]userRef // Campfire user id -> our user
	hasPreviews bool               // the messages collection has link card fields
	cards       int                // link cards made from OpenGraph embeds
}

type userRef struct {
	id, name string
}

func (r *run) problem(table, id, reason string) {
	r.rep.Problems = append(r.rep.Problems, Problem{Table: table, SourceID: id, Reason: reason})
}

// lookupUser resolves a Campfire user id for mentions.
func (r *run) lookupUser(campfireID string) (string, string, bool) {
	u, ok := r.users[campfireID]
	return u.id, u.name, ok
}

// batches runs fn over [0, n) in transactions of BatchSize rows, advancing the progress bar and
// stopping between batches when the context is done.
func (r *run) batches(n int, fn func(tx core.App, lo, hi int) error) error {
	for lo := 0; lo < n; lo += r.opts.BatchSize {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+r.opts.BatchSize, n)
		if err := r.app.RunInTransaction(func(tx core.App) error { return fn(tx, lo, hi) }); err != nil {
			return err
		}
		r.prog.add(hi - lo)
	}
	return nil
}

// finish records each imported room's latest activity, keeps every active user in every open room,
// and makes the first administrator a PocketBase superuser when the install got its account from
// Campfire and has no superuser yet (what a first run would have made).
func (r *run) finish() error {
	return r.app.RunInTransaction(func(tx core.App) error {
		_, err := tx.DB().NewQuery(`UPDATE rooms SET last_message_at = m.latest
			FROM (SELECT room, MAX(created) AS latest FROM messages WHERE deleted_at = '' GROUP BY room) AS m
			WHERE rooms.id = m.room AND (rooms.last_message_at = '' OR rooms.last_message_at < m.latest)
			AND rooms.id IN (SELECT target FROM import_map WHERE source = 'rooms')`).Execute()
		if err != nil {
			return fmt.Errorf("record rooms' latest activity: %w", err)
		}
		if err := r.fillOpenRooms(tx); err != nil {
			return err
		}
		if len(r.led.m[SourceAccounts]) > 0 {
			return r.makeSuperuser(tx)
		}
		return nil
	})
}

// makeSuperuser gives a fresh install its dashboard user, as a first run would: the earliest active
// administrator, with the same email and the same (Campfire) password.
func (r *run) makeSuperuser(tx core.App) error {
	var n int
	if err := tx.DB().NewQuery("SELECT COUNT(*) FROM _superusers WHERE email != {:installer}").
		Bind(map[string]any{"installer": core.DefaultInstallerEmail}).Row(&n); err != nil {
		return fmt.Errorf("count superusers: %w", err)
	}
	if n > 0 {
		return nil
	}
	var admin struct {
		Email    string `db:"email"`
		Password string `db:"password"`
	}
	err := tx.DB().NewQuery(`SELECT email, password FROM users WHERE role = 'administrator' AND status = 'active'
		AND email != '' ORDER BY created, id LIMIT 1`).One(&admin)
	if err != nil {
		r.note("no active administrator with an email: create a dashboard superuser with `campfire superuser upsert`")
		return nil
	}
	col, err := tx.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su := core.NewRecord(col)
	su.SetEmail(admin.Email)
	su.SetRaw("password", &core.PasswordFieldValue{Hash: admin.Password})
	if err := tx.Save(su); err != nil {
		return fmt.Errorf("save superuser: %w", err)
	}
	r.note(admin.Email + " (the first administrator) is also a PocketBase superuser for the dashboard at /_/, with the same password")
	return nil
}

func (r *run) note(s string) { r.rep.Notes = append(r.rep.Notes, s) }
