package importer

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/botkeys"
	"github.com/pocketcampfire/campfire/collections"
)

// Source tables recorded in import_map. Campfire's integer ids stay reachable through them.
const (
	SourceAccounts    = "accounts"
	SourceUsers       = "users"
	SourceRooms       = "rooms"
	SourceMemberships = "memberships"
	SourceMessages    = "messages"
	// SourceMessageFiles maps a Campfire message that had both text and a file to the second of the two
	// messages it became (the file); SourceMessages maps it to the first (the text).
	SourceMessageFiles = "message_files"
	SourceBoosts       = "boosts"
	SourceBans         = "bans"
)

// ErrLegacyNotFound is returned by the legacy resolvers for anything they cannot resolve: an id that
// was never imported, a malformed key, a wrong token or a bot that is no longer active. It never says
// which, so a caller cannot use it to probe keys.
var ErrLegacyNotFound = errors.New("importer: no imported record for this legacy id")

// LegacyTarget returns our record id for a row of an imported source table (one of the Source*
// constants) with Campfire's id sourceID.
func LegacyTarget(app core.App, source, sourceID string) (string, bool) {
	var target string
	err := app.DB().Select("target").From(collections.ImportMapCollection).
		Where(dbx.HashExp{"source": source, "source_id": sourceID}).Limit(1).Row(&target)
	return target, err == nil && target != ""
}

// ResolveLegacyRoom returns the room imported from the Campfire room with integer id oldID (as it
// appears in old URLs: "/rooms/42/..."), or ErrLegacyNotFound.
//
// Example (a bot route whose {room} may be ours or Campfire's):
//
//	room, err := app.FindRecordById("rooms", param)
//	if err != nil {
//		room, err = importer.ResolveLegacyRoom(app, param)
//	}
func ResolveLegacyRoom(app core.App, oldID string) (*core.Record, error) {
	if !isLegacyInt(oldID) {
		return nil, ErrLegacyNotFound
	}
	target, ok := LegacyTarget(app, SourceRooms, oldID)
	if !ok {
		return nil, ErrLegacyNotFound
	}
	room, err := app.FindRecordById("rooms", target)
	if err != nil {
		return nil, ErrLegacyNotFound
	}
	return room, nil
}

// ResolveLegacyBot authenticates a Campfire bot key, "<integer user id>-<token>", against the bot
// imported from that Campfire user: the key's token must match the stored hash (constant time) and the
// bot must still be an active bot. It returns the bot user, or ErrLegacyNotFound.
//
// Imported bots keep their token, so "<our bot id>-<token>" (botkeys.Parse) works as well; a bot whose
// key is regenerated gets a new token and its old key dies with it.
//
// Example (a bot route):
//
//	bot, err := findBotByKey(app, key) // botkeys.Parse + hash check
//	if err != nil {
//		bot, err = importer.ResolveLegacyBot(app, key)
//	}
func ResolveLegacyBot(app core.App, oldKey string) (*core.Record, error) {
	legacyID, token, err := botkeys.ParseLegacy(oldKey)
	if err != nil {
		return nil, ErrLegacyNotFound
	}
	target, ok := LegacyTarget(app, SourceUsers, strconv.FormatInt(legacyID, 10))
	if !ok {
		return nil, ErrLegacyNotFound
	}
	bot, err := app.FindRecordById("users", target)
	if err != nil {
		return nil, ErrLegacyNotFound
	}
	if bot.GetString("role") != "bot" || bot.GetString("status") != "active" ||
		!botkeys.Verify(token, bot.GetString("bot_token_hash")) {
		return nil, ErrLegacyNotFound
	}
	return bot, nil
}

func isLegacyInt(s string) bool {
	if s == "" || len(s) > 19 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ledger is import_map in memory: source table -> source id -> our id. Rows are written in the same
// transaction as the records they describe, so a batch is either fully imported and recorded, or not
// at all, and a rerun skips exactly what is done.
type ledger struct {
	m map[string]map[string]string
}

func loadLedger(app core.App) (*ledger, error) {
	l := &ledger{m: map[string]map[string]string{}}
	rows, err := app.DB().Select("source", "source_id", "target").From(collections.ImportMapCollection).Rows()
	if err != nil {
		return nil, fmt.Errorf("read import_map: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s, id, t string
		if err := rows.Scan(&s, &id, &t); err != nil {
			return nil, err
		}
		l.set(s, id, t)
	}
	return l, rows.Err()
}

func (l *ledger) set(source, id, target string) {
	m := l.m[source]
	if m == nil {
		m = map[string]string{}
		l.m[source] = m
	}
	m[id] = target
}

func (l *ledger) get(source, id string) (string, bool) {
	t, ok := l.m[source][id]
	return t, ok
}

// add records a mapping inside the transaction tx.
func (l *ledger) add(tx core.App, source, id, target string) error {
	return l.addWith(tx.DB().NewQuery(insertMapSQL), source, id, target)
}

const insertMapSQL = "INSERT INTO {{" + collections.ImportMapCollection + "}} ([[id]], [[source]], [[source_id]], [[target]], [[created]]) " +
	"VALUES ({:id}, {:source}, {:source_id}, {:target}, {:created})"

// prepare returns the ledger's insert prepared in tx, for addWith (close it after the batch).
func (l *ledger) prepare(tx core.App) (*dbx.Query, error) {
	q := tx.DB().NewQuery(insertMapSQL).Prepare()
	return q, q.LastError
}

// addWith records a mapping with the ledger's insert query q.
func (l *ledger) addWith(q *dbx.Query, source, id, target string) error {
	_, err := q.Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "source": source, "source_id": id,
		"target": target, "created": types.NowDateTime().String()}).Execute()
	if err != nil {
		return fmt.Errorf("record import_map %s %s: %w", source, id, err)
	}
	l.set(source, id, target)
	return nil
}

// forget drops mappings added by a transaction that rolled back.
func (l *ledger) forget(source string, ids []string) {
	for _, id := range ids {
		delete(l.m[source], id)
	}
}
