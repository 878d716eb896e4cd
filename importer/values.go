package importer

import (
	"database/sql"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"
)

// railsLayouts are the ways a datetime can sit in Campfire's SQLite database (Rails writes UTC as
// "2006-01-02 15:04:05.999999").
var railsLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02",
}

// parseTime reads a Rails datetime (UTC unless it says otherwise).
func parseTime(s string) (types.DateTime, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return types.DateTime{}, false
	}
	for _, layout := range railsLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			d, _ := types.ParseDateTime(t.UTC())
			return d, true
		}
	}
	return types.DateTime{}, false
}

var zeroDateTime types.DateTime

// timeOr parses a Rails datetime, falling back to fallback (then to now).
func timeOr(s string, fallback types.DateTime) types.DateTime {
	if d, ok := parseTime(s); ok {
		return d
	}
	if !fallback.IsZero() {
		return fallback
	}
	return types.NowDateTime()
}

// truncateRunes keeps at most n code points of s, reporting whether it cut.
func truncateRunes(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	rs := []rune(s)
	return string(rs[:n]), true
}

func str(n sql.NullString) string { return n.String }

// fileFromBlob makes an upload from a blob on disk, named after the blob's original filename. The
// content is streamed from disk at upload time; only its head is read here, to name the file the way
// PocketBase does (a sanitized name, a random suffix, an extension guessed from the content when the
// name has none).
func (r *run) fileFromBlob(b *blob) (*filesystem.File, error) {
	p, err := r.src.blobPath(b)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 {
		return nil, errEmptyFile
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 3072)
	n, _ := io.ReadFull(f, head)
	f.Close()
	name := b.Filename
	if strings.TrimSpace(name) == "" {
		name = "file"
	}
	named, err := filesystem.NewFileFromBytes(head[:n], name)
	if err != nil {
		return nil, err
	}
	return &filesystem.File{
		Reader:       &filesystem.PathReader{Path: p},
		Name:         named.Name,
		OriginalName: name,
		Size:         st.Size(),
	}, nil
}

var errEmptyFile = errorString("the file is empty")

type errorString string

func (e errorString) Error() string { return string(e) }
