// Package search is message search: an FTS5 query builder that quotes every user word (no FTS syntax
// from users ever reaches SQLite), scoped queries over the rooms a user can see, and recent searches.
package search

import (
	"fmt"
	"html"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/messages"
)

// Limits.
const (
	MaxResults  = 100
	MaxTerms    = 16
	MaxTermLen  = 100
	MaxQueryLen = 500
	KeepRecent  = 10
)

// snippet markers: control characters that sanitized plain text cannot usefully carry, swapped for
// <mark> after the snippet is HTML-escaped.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

// BuildQuery turns user input into an FTS5 MATCH expression: each word becomes a quoted phrase
// (double quotes doubled), the phrases joined by spaces (AND). Words without a letter or digit are
// dropped. It returns "" when nothing searchable is left.
func BuildQuery(input string) string {
	var terms []string
	for _, word := range strings.Fields(input) {
		if len(terms) == MaxTerms {
			break
		}
		if !strings.ContainsFunc(word, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		word = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, word)
		if len(word) > MaxTermLen {
			word = trimToRuneBoundary(word, MaxTermLen)
		}
		terms = append(terms, `"`+strings.ReplaceAll(word, `"`, `""`)+`"`)
	}
	return strings.Join(terms, " ")
}

func trimToRuneBoundary(s string, n int) string {
	for n > 0 && n < len(s) && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Run searches the messages of rooms where userID is a member with a non-invisible involvement,
// newest first, at most MaxResults, each in the history item shape plus `snippet` (HTML-escaped text
// with <mark> around the hits).
func Run(app core.App, userID, input string) ([]*core.Record, error) {
	match := BuildQuery(input)
	if match == "" {
		return []*core.Record{}, nil
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
		Bind(dbx.Params{"open": markOpen, "close": markClose, "user": userID, "match": match, "limit": MaxResults}).
		All(&rows)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if len(rows) == 0 {
		return []*core.Record{}, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	found, err := app.FindRecordsByIds("messages", ids)
	if err != nil {
		return nil, fmt.Errorf("search: load messages: %w", err)
	}
	byID := make(map[string]*core.Record, len(found))
	for _, m := range found {
		byID[m.Id] = m
	}
	out := make([]*core.Record, 0, len(rows))
	for _, r := range rows {
		if m, ok := byID[r.ID]; ok {
			out = append(out, m)
		}
	}
	if err := messages.Decorate(app, out); err != nil {
		return nil, err
	}
	snippets := make(map[string]string, len(rows))
	for _, r := range rows {
		snippets[r.ID] = Highlight(r.Snippet)
	}
	for _, m := range out {
		m.Set("snippet", snippets[m.Id])
	}
	return out, nil
}

// Highlight HTML-escapes a raw snippet and turns its markers into <mark> elements.
func Highlight(raw string) string {
	escaped := html.EscapeString(raw)
	escaped = strings.ReplaceAll(escaped, markOpen, "<mark>")
	return strings.ReplaceAll(escaped, markClose, "</mark>")
}

// Remember keeps a query among the user's recent searches (the last KeepRecent, deduplicated).
func Remember(app core.App, userID, query string) error {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil
	}
	if len(query) > MaxQueryLen {
		query = trimToRuneBoundary(query, MaxQueryLen)
	}
	return app.RunInTransaction(func(tx core.App) error {
		rec, err := tx.FindFirstRecordByFilter("searches", "user = {:user} && query = {:query}",
			dbx.Params{"user": userID, "query": query})
		if err != nil {
			col, err := tx.FindCachedCollectionByNameOrId("searches")
			if err != nil {
				return fmt.Errorf("searches collection: %w", err)
			}
			rec = core.NewRecord(col)
			rec.Set("user", userID)
			rec.Set("query", query)
		}
		if err := tx.Save(rec); err != nil { // the autodate moves updated to now
			return fmt.Errorf("save search: %w", err)
		}
		_, err = tx.DB().NewQuery(`DELETE FROM searches WHERE user = {:user} AND id NOT IN
			(SELECT id FROM searches WHERE user = {:user} ORDER BY updated DESC, id DESC LIMIT {:keep})`).
			Bind(dbx.Params{"user": userID, "keep": KeepRecent}).Execute()
		if err != nil {
			return fmt.Errorf("trim searches: %w", err)
		}
		return nil
	})
}

// Forget clears a user's recent searches.
func Forget(app core.App, userID string) error {
	_, err := app.DB().NewQuery("DELETE FROM searches WHERE user = {:user}").Bind(dbx.Params{"user": userID}).Execute()
	if err != nil {
		return fmt.Errorf("clear searches: %w", err)
	}
	return nil
}
