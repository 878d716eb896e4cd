package importer

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" driver (already PocketBase's)
)

// source is a ONCE Campfire install opened read-only: its SQLite database and the directory of its
// ActiveStorage files (Disk service: <files>/<key[0:2]>/<key[2:4]>/<key>).
type source struct {
	db       *sql.DB
	dbPath   string // the database the user pointed at (never written)
	filesDir string // "" when no ActiveStorage directory was found
	copied   bool   // true when the database was read from a private copy (it had a WAL)
	tmpDir   string
	columns  map[string]map[string]bool // table -> column set ("" when the table is missing)
}

// locate finds the database and the files directory from what the user gave: Campfire's storage
// directory (the Docker volume mounted at /rails/storage: db/production.sqlite3 and files/), the Rails
// root (storage/db/production.sqlite3), or the SQLite file itself (its files are then looked for in
// ../files).
func locate(path, filesDir string) (dbPath, files string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", "", fmt.Errorf("source %s: %w", path, err)
	}
	var storageCandidates []string
	if info.IsDir() {
		tried := []string{
			filepath.Join(abs, "db", "production.sqlite3"),
			filepath.Join(abs, "production.sqlite3"),
			filepath.Join(abs, "storage", "db", "production.sqlite3"),
		}
		for _, p := range tried {
			if fileExists(p) {
				dbPath = p
				break
			}
		}
		if dbPath == "" {
			// a non-production environment, or a renamed file: accept exactly one candidate
			var found []string
			for _, pattern := range []string{"db/*.sqlite3", "*.sqlite3", "storage/db/*.sqlite3"} {
				m, _ := filepath.Glob(filepath.Join(abs, pattern))
				for _, f := range m {
					if !strings.HasSuffix(f, "test.sqlite3") {
						found = append(found, f)
					}
				}
			}
			switch len(found) {
			case 1:
				dbPath = found[0]
			case 0:
				return "", "", fmt.Errorf("no Campfire database in %s (looked for %s)", path, strings.Join(tried, ", "))
			default:
				return "", "", fmt.Errorf("several databases in %s (%s): give the file itself", path, strings.Join(found, ", "))
			}
		}
		storageCandidates = append(storageCandidates, filepath.Join(abs, "files"), filepath.Join(abs, "storage", "files"))
	} else {
		dbPath = abs
	}
	storageCandidates = append(storageCandidates, filepath.Join(filepath.Dir(filepath.Dir(dbPath)), "files"),
		filepath.Join(filepath.Dir(dbPath), "files"))

	if filesDir != "" {
		if files, err = filepath.Abs(filesDir); err != nil {
			return "", "", err
		}
		if st, err := os.Stat(files); err != nil || !st.IsDir() {
			return "", "", fmt.Errorf("files directory %s: not a directory", filesDir)
		}
		return dbPath, files, nil
	}
	for _, c := range storageCandidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return dbPath, c, nil
		}
	}
	return dbPath, "", nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// openSource opens the database strictly read-only. A database without a write-ahead log is opened in
// place as immutable (SQLite then creates no -shm or -wal file and takes no lock). One with a non-empty
// -wal holds recent transactions that an immutable open would not see, and reading a WAL database
// in place needs a -shm file beside it; so it is copied (with its WAL) into a private temporary
// directory first and read from there. Either way nothing is ever written next to the source.
func openSource(path, filesDir string) (*source, error) {
	dbPath, files, err := locate(path, filesDir)
	if err != nil {
		return nil, err
	}
	s := &source{dbPath: dbPath, filesDir: files, columns: map[string]map[string]bool{}}
	openPath := dbPath
	query := "mode=ro&immutable=1"
	if st, err := os.Stat(dbPath + "-wal"); err == nil && st.Size() > 0 {
		tmp, err := os.MkdirTemp("", "campfire-import-")
		if err != nil {
			return nil, err
		}
		s.tmpDir, s.copied = tmp, true
		openPath = filepath.Join(tmp, "source.sqlite3")
		if err := copyFile(dbPath, openPath); err != nil {
			s.close()
			return nil, err
		}
		if err := copyFile(dbPath+"-wal", openPath+"-wal"); err != nil {
			s.close()
			return nil, err
		}
		query = "mode=ro"
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(openPath), RawQuery: query}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		s.close()
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	db.SetMaxOpenConns(2)
	s.db = db
	if err := s.loadColumns(); err != nil {
		s.close()
		return nil, err
	}
	for _, t := range []string{"users", "rooms", "memberships", "messages"} {
		if !s.hasTable(t) {
			s.close()
			return nil, fmt.Errorf("%s does not look like a Campfire database: no %s table", dbPath, t)
		}
	}
	return s, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func (s *source) close() {
	if s.db != nil {
		s.db.Close()
	}
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
}

func (s *source) loadColumns() error {
	rows, err := s.db.Query("SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		return fmt.Errorf("read source schema: %w", err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, n)
	}
	rows.Close()
	for _, t := range tables {
		cols := map[string]bool{}
		r, err := s.db.Query("SELECT name FROM pragma_table_info(?)", t)
		if err != nil {
			return fmt.Errorf("read source schema of %s: %w", t, err)
		}
		for r.Next() {
			var c string
			if err := r.Scan(&c); err != nil {
				r.Close()
				return err
			}
			cols[c] = true
		}
		r.Close()
		s.columns[t] = cols
	}
	return nil
}

func (s *source) hasTable(t string) bool { return s.columns[t] != nil }

func (s *source) hasColumn(t, c string) bool { return s.columns[t][c] }

// col returns a select expression for an optional column: the column as text, or NULL.
func (s *source) col(table, alias, column string) string {
	if !s.hasColumn(table, column) {
		return "NULL"
	}
	return "CAST(" + alias + "." + column + " AS TEXT)"
}

// count returns the rows of a table matching where ("" for all); 0 for a missing table.
func (s *source) count(table, where string) int {
	if !s.hasTable(table) {
		return 0
	}
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	_ = s.db.QueryRow(q).Scan(&n)
	return n
}

// blob is an ActiveStorage blob.
type blob struct {
	ID          string
	Key         string
	Filename    string
	ContentType string
	ByteSize    int64
	Service     string
}

var errNoFile = errors.New("file not found in the ActiveStorage directory")

// blobPath is where the Disk service keeps a blob.
func (s *source) blobPath(b *blob) (string, error) {
	if s.filesDir == "" {
		return "", fmt.Errorf("%w (no files directory found; pass --files)", errNoFile)
	}
	key := b.Key
	if len(key) < 4 || strings.ContainsAny(key, `/\.`) {
		return "", fmt.Errorf("blob %s: invalid key", b.ID)
	}
	p := filepath.Join(s.filesDir, key[0:2], key[2:4], key)
	if !fileExists(p) {
		return "", fmt.Errorf("%w: %s", errNoFile, p)
	}
	return p, nil
}

// attachedBlobs returns the blobs attached to records of recordType under name (record id -> blob).
func (s *source) attachedBlobs(recordType, name string) (map[string]*blob, error) {
	out := map[string]*blob{}
	if !s.hasTable("active_storage_attachments") || !s.hasTable("active_storage_blobs") {
		return out, nil
	}
	rows, err := s.db.Query(`SELECT CAST(a.record_id AS TEXT), CAST(b.id AS TEXT), b.key, b.filename,
		COALESCE(b.content_type, ''), b.byte_size, `+s.col("active_storage_blobs", "b", "service_name")+`
		FROM active_storage_attachments a JOIN active_storage_blobs b ON b.id = a.blob_id
		WHERE a.record_type = ? AND a.name = ? ORDER BY a.id`, recordType, name)
	if err != nil {
		return nil, fmt.Errorf("read %s %s attachments: %w", recordType, name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rec string
		var svc sql.NullString
		b := &blob{}
		if err := rows.Scan(&rec, &b.ID, &b.Key, &b.Filename, &b.ContentType, &b.ByteSize, &svc); err != nil {
			return nil, err
		}
		b.Service = svc.String
		out[rec] = b
	}
	return out, rows.Err()
}

// blobByID loads one blob.
func (s *source) blobByID(id string) (*blob, error) {
	if !s.hasTable("active_storage_blobs") {
		return nil, sql.ErrNoRows
	}
	b := &blob{}
	var svc sql.NullString
	err := s.db.QueryRow(`SELECT CAST(b.id AS TEXT), b.key, b.filename, COALESCE(b.content_type, ''), b.byte_size, `+
		s.col("active_storage_blobs", "b", "service_name")+` FROM active_storage_blobs b WHERE b.id = ?`, id).
		Scan(&b.ID, &b.Key, &b.Filename, &b.ContentType, &b.ByteSize, &svc)
	if err != nil {
		return nil, err
	}
	b.Service = svc.String
	return b, nil
}
