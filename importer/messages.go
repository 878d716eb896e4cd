package importer

import (
	"database/sql"
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/previews"
	"github.com/pocketcampfire/campfire/richtext"
)

type srcMessage struct {
	id, room, creator, created, updated, body sql.NullString
	blob                                      *blob
}

// importMessages imports messages in Campfire's order (creation time, then id), in batched
// transactions. Each one takes the post path's own steps: messages.Prepare (sanitize, mentions
// against the room's members, plain text, kind, sound) and messages.Number (number and seq from our
// counters, so numbers follow insertion order); the row is then inserted directly, and the FTS
// triggers index it in the same transaction. No webhook, push, unread mark or realtime event is made
// for history.
func (r *run) importMessages(t *TableReport) error {
	s := r.src
	t.Source = s.count("messages", "")
	body, joins := "NULL", ""
	if s.hasTable("action_text_rich_texts") {
		body = "t.body"
		joins += ` LEFT JOIN action_text_rich_texts t ON t.record_type = 'Message' AND t.record_id = m.id AND t.name = 'body'`
	}
	blobCols := "NULL, NULL, NULL, NULL, NULL, NULL"
	if s.hasTable("active_storage_attachments") && s.hasTable("active_storage_blobs") {
		blobCols = `CAST(b.id AS TEXT), b.key, b.filename, b.content_type, b.byte_size, ` + s.col("active_storage_blobs", "b", "service_name")
		joins += ` LEFT JOIN active_storage_attachments a ON a.record_type = 'Message' AND a.record_id = m.id AND a.name = 'attachment'
			LEFT JOIN active_storage_blobs b ON b.id = a.blob_id`
	}
	rows, err := s.db.QueryContext(r.ctx, `SELECT CAST(m.id AS TEXT), CAST(m.room_id AS TEXT), CAST(m.creator_id AS TEXT),
		CAST(m.created_at AS TEXT), CAST(m.updated_at AS TEXT), `+body+`, `+blobCols+`
		FROM messages m`+joins+` ORDER BY m.created_at, m.id`)
	if err != nil {
		return fmt.Errorf("read messages: %w", err)
	}
	defer rows.Close()

	col, err := r.app.FindCachedCollectionByNameOrId("messages")
	if err != nil {
		return err
	}
	r.prog.begin("messages", t.Source)
	defer r.prog.end()

	batch := make([]srcMessage, 0, r.opts.BatchSize)
	skipped := 0 // already imported, not yet shown on the bar
	flush := func() error {
		if skipped > 0 {
			r.prog.add(skipped)
			skipped = 0
		}
		if len(batch) == 0 {
			return nil
		}
		if err := r.ctx.Err(); err != nil {
			return err
		}
		var w *messageWriter
		err := r.app.RunInTransaction(func(tx core.App) error {
			var err error
			if w, err = r.newMessageWriter(tx, col); err != nil {
				return err
			}
			defer w.close()
			for _, m := range batch {
				if err := r.importMessage(tx, w, t, col, m); err != nil {
					return err
				}
			}
			return w.flush()
		})
		if err != nil {
			if w != nil {
				w.undo()
			}
			return err
		}
		r.prog.add(len(batch))
		batch = batch[:0]
		return nil
	}

	last := ""
	for rows.Next() {
		var m srcMessage
		var bid, bkey, bname, btype, bsvc sql.NullString
		var bsize sql.NullInt64
		if err := rows.Scan(&m.id, &m.room, &m.creator, &m.created, &m.updated, &m.body,
			&bid, &bkey, &bname, &btype, &bsize, &bsvc); err != nil {
			return err
		}
		if m.id.String == last { // a second attachment row of the same message
			continue
		}
		last = m.id.String
		if bid.Valid {
			m.blob = &blob{ID: bid.String, Key: bkey.String, Filename: bname.String, ContentType: btype.String,
				ByteSize: bsize.Int64, Service: bsvc.String}
		}
		if _, ok := r.led.get(SourceMessages, m.id.String); ok {
			t.Existing++
			if skipped++; skipped >= r.opts.BatchSize {
				r.prog.add(skipped)
				skipped = 0
			}
			continue
		}
		batch = append(batch, m)
		if len(batch) >= r.opts.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read messages: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	if r.cards > 0 {
		r.note(fmt.Sprintf("%d link cards imported without their images (Campfire showed third-party images; "+
			"our cards show only images the server downloaded itself)", r.cards))
	}
	return nil
}

func (r *run) importMessage(tx core.App, w *messageWriter, t *TableReport, col *core.Collection, m srcMessage) error {
	id := m.id.String
	room, ok := r.led.get(SourceRooms, m.room.String)
	if !ok {
		r.problem("messages", id, "its room was not imported")
		t.Skipped++
		return nil
	}
	creator, ok := r.users[m.creator.String]
	if !ok {
		r.problem("messages", id, "its creator was not imported")
		t.Skipped++
		return nil
	}

	conv := convertBody(m.body.String, m.blob != nil, r.lookupUser)
	for _, p := range conv.Problems {
		r.problem("messages", id, p)
	}
	text := conv.HTML
	b := m.blob
	if b == nil && conv.AttachBlob != "" {
		found, err := r.src.blobByID(conv.AttachBlob)
		if err != nil {
			r.problem("messages", id, "embedded file not found in the database")
		} else {
			b = found
		}
	}
	var file *filesystem.File
	var info attachments.Info
	if b != nil {
		f, err := r.fileFromBlob(b)
		if err == nil {
			if info, err = attachments.Inspect(f); err == nil {
				f.OriginalName = info.Name
				file = f
			}
		}
		if file == nil {
			reason := err.Error()
			if errors.Is(err, errNoFile) {
				reason = "missing from the ActiveStorage directory"
			}
			r.problem("messages", id, "file not imported, kept as its name: "+reason)
			text += "<div>[" + html.EscapeString(cmpOr(b.Filename, "file")) + "]</div>"
		}
	}

	created := timeOr(m.created.String, zeroDateTime)
	updated := timeOr(m.updated.String, created)
	// Our messages carry text or a file, not both: a Campfire message with both becomes two, the text
	// first (it keeps the Campfire id, and the boosts), then the file.
	hasText := file == nil || !richtext.Prepare(text, nil).Blank
	primary := ""
	if hasText {
		rec := r.newMessage(col, room, creator.id, created, updated)
		rec.Set("body", text)
		if len(conv.Embeds) > 0 && r.hasPreviews {
			setPreview(rec, conv.Embeds[0])
			r.cards++
		}
		if err := messages.Prepare(tx, rec); err != nil {
			var ve validation.Errors
			if !errors.As(err, &ve) {
				return err
			}
			reason := "refused: " + err.Error()
			if e, ok := ve["body"].(validation.Error); ok && e.Code() == messages.ErrBlank.Code() {
				reason = "blank (no text and no file)"
			}
			r.problem("messages", id, reason)
			if file == nil {
				t.Skipped++
				return nil
			}
		} else {
			w.add(rec, nil, SourceMessages, id)
			primary = rec.Id
		}
	}
	if file != nil {
		rec := r.newMessage(col, room, creator.id, created, updated)
		rec.Set("attachment", file)
		for k, v := range map[string]any{"attachment_name": info.Name, "attachment_size": info.Size,
			"attachment_type": info.Type, "attachment_width": info.Width, "attachment_height": info.Height} {
			if col.Fields.GetByName(k) != nil {
				rec.Set(k, v)
			}
		}
		if err := messages.Prepare(tx, rec); err != nil {
			return fmt.Errorf("message %s: %w", id, err)
		}
		if primary == "" {
			w.add(rec, file, SourceMessages, id)
		} else {
			r.problem("messages", id, "text and file split into two messages")
			w.add(rec, file, SourceMessageFiles, id)
		}
	}
	t.Imported++
	return nil
}

func (r *run) newMessage(col *core.Collection, room, creator string, created, updated types.DateTime) *core.Record {
	rec := core.NewRecord(col)
	rec.Id = core.GenerateDefaultRandomId()
	// a time-ordered UUID (v7): consecutive messages land side by side in the (creator,
	// client_message_id) index instead of at random pages, which keeps large imports fast
	if id, err := uuid.NewV7(); err == nil {
		rec.Set("client_message_id", id.String())
	}
	rec.Set("room", room)
	rec.Set("creator", creator)
	rec.SetRaw("created", created)
	rec.SetRaw("updated", updated)
	return rec
}

// messageWriter writes one batch of prepared messages in its transaction: it numbers them from one
// reservation of each counter (the same numbers and seqs as messages.Number drawing them one message
// at a time, in insertion order), stores their files, and inserts the rows and their import_map
// entries through statements prepared once per batch. The FTS triggers index every row.
type messageWriter struct {
	r        *run
	tx       core.App
	insert   *dbx.Query
	mapping  *dbx.Query
	columns  []string
	pending  []pendingMessage
	uploaded []string
	mapped   map[string][]string // source -> ids added to the ledger
}

type pendingMessage struct {
	rec              *core.Record
	file             *filesystem.File
	source, sourceID string
}

func (r *run) newMessageWriter(tx core.App, col *core.Collection) (*messageWriter, error) {
	w := &messageWriter{r: r, tx: tx, mapped: map[string][]string{}}
	for _, f := range col.Fields {
		w.columns = append(w.columns, f.GetName())
	}
	quoted := make([]string, len(w.columns))
	params := make([]string, len(w.columns))
	for i, c := range w.columns {
		quoted[i] = "[[" + c + "]]"
		params[i] = "{:" + c + "}"
	}
	w.insert = tx.DB().NewQuery("INSERT INTO {{messages}} (" + strings.Join(quoted, ", ") + ") VALUES (" +
		strings.Join(params, ", ") + ")").Prepare()
	if w.insert.LastError != nil {
		return nil, fmt.Errorf("prepare message insert: %w", w.insert.LastError)
	}
	var err error
	if w.mapping, err = r.led.prepare(tx); err != nil {
		w.close()
		return nil, fmt.Errorf("prepare import_map insert: %w", err)
	}
	return w, nil
}

func (w *messageWriter) add(rec *core.Record, file *filesystem.File, source, sourceID string) {
	w.pending = append(w.pending, pendingMessage{rec: rec, file: file, source: source, sourceID: sourceID})
}

func (w *messageWriter) flush() error {
	n := int64(len(w.pending))
	if n == 0 {
		return nil
	}
	number, err := reserve(w.tx, "number", n)
	if err != nil {
		return err
	}
	seq, err := reserve(w.tx, "seq", n)
	if err != nil {
		return err
	}
	for i, p := range w.pending {
		p.rec.Set("number", number+int64(i))
		p.rec.Set("seq", seq+int64(i))
		if p.file != nil {
			key := p.rec.BaseFilesPath() + "/" + p.file.Name
			if err := w.r.fsys.UploadFile(p.file, key); err != nil {
				return fmt.Errorf("store the file of message %s: %w", p.sourceID, err)
			}
			w.uploaded = append(w.uploaded, key)
		}
		data, err := p.rec.DBExport(w.tx)
		if err != nil {
			return fmt.Errorf("message %s: %w", p.sourceID, err)
		}
		params := make(dbx.Params, len(w.columns))
		for _, c := range w.columns {
			params[c] = data[c]
		}
		if _, err := w.insert.Bind(params).Execute(); err != nil {
			return fmt.Errorf("insert message %s: %w", p.sourceID, err)
		}
		if err := w.r.led.addWith(w.mapping, p.source, p.sourceID, p.rec.Id); err != nil {
			return err
		}
		w.mapped[p.source] = append(w.mapped[p.source], p.sourceID)
	}
	return nil
}

func (w *messageWriter) close() {
	_ = w.insert.Close()
	if w.mapping != nil {
		_ = w.mapping.Close()
	}
}

// undo forgets a rolled-back batch: its ledger entries and its stored files.
func (w *messageWriter) undo() {
	for source, ids := range w.mapped {
		w.r.led.forget(source, ids)
	}
	for _, key := range w.uploaded {
		_ = w.r.fsys.Delete(key)
	}
}

// reserve draws n consecutive values of a message counter (campfire_counters, see messages.Number)
// and returns the first. Inside the write transaction nobody else draws in between, so the values are
// exactly those n single draws would give.
func reserve(tx core.App, counter string, n int64) (int64, error) {
	var last int64
	err := tx.DB().NewQuery("UPDATE campfire_counters SET value = value + {:n} WHERE name = {:name} RETURNING value").
		Bind(dbx.Params{"n": n, "name": counter}).Row(&last)
	if err != nil {
		return 0, fmt.Errorf("reserve %s: %w", counter, err)
	}
	return last - n + 1, nil
}

// setPreview makes an OpenGraph embed the message's link card: URL, title and description as Campfire
// stored them. The image is not fetched (an import makes no network requests; our cards only show
// images the server downloaded itself).
func setPreview(rec *core.Record, e embed) {
	u, err := previews.NormalizeURL(e.URL)
	if err != nil {
		return
	}
	title, _ := truncateRunes(e.Title, 300)
	desc, _ := truncateRunes(e.Description, 1000)
	_ = previews.Set(rec, &previews.Card{URL: u, Title: title, Description: desc})
}

// importBoosts imports boosts after all messages. Like a boost made live, each gives its message a new
// seq, so clients that already caught up see it.
func (r *run) importBoosts(t *TableReport) error {
	s := r.src
	if !s.hasTable("boosts") {
		return nil
	}
	rows, err := s.db.Query(`SELECT CAST(id AS TEXT), CAST(message_id AS TEXT), CAST(booster_id AS TEXT),
		COALESCE(content, ''), CAST(created_at AS TEXT) FROM boosts ORDER BY created_at, id`)
	if err != nil {
		return fmt.Errorf("read boosts: %w", err)
	}
	type boost struct{ id, message, booster, content, created string }
	var list []boost
	for rows.Next() {
		var b boost
		var created sql.NullString
		if err := rows.Scan(&b.id, &b.message, &b.booster, &b.content, &created); err != nil {
			rows.Close()
			return err
		}
		b.created = created.String
		list = append(list, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	t.Source = len(list)
	r.prog.begin("boosts", len(list))
	defer r.prog.end()
	return r.batches(len(list), func(tx core.App, lo, hi int) error {
		for _, b := range list[lo:hi] {
			if _, ok := r.led.get(SourceBoosts, b.id); ok {
				t.Existing++
				continue
			}
			msg, ok := r.led.get(SourceMessages, b.message)
			if !ok {
				r.problem("boosts", b.id, "its message was not imported")
				t.Skipped++
				continue
			}
			booster, ok := r.users[b.booster]
			if !ok {
				r.problem("boosts", b.id, "its booster was not imported")
				t.Skipped++
				continue
			}
			content, err := messages.NormalizeBoost(b.content)
			if err != nil {
				r.problem("boosts", b.id, "blank or longer than 16 characters")
				t.Skipped++
				continue
			}
			newID := core.GenerateDefaultRandomId()
			_, err = tx.DB().Insert("boosts", dbx.Params{
				"id": newID, "message": msg, "booster": booster.id, "content": content,
				"created": timeOr(b.created, zeroDateTime).String(),
			}).Execute()
			if err != nil {
				return fmt.Errorf("insert boost %s: %w", b.id, err)
			}
			if _, err := messages.BumpSeq(tx, msg); err != nil {
				return err
			}
			t.Imported++
			if err := r.led.add(tx, SourceBoosts, b.id, newID); err != nil {
				return err
			}
		}
		return nil
	})
}
