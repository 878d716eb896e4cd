package hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/groupcommit"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
)

// serverOwnedMessageFields are never taken from a client.
var serverOwnedMessageFields = []string{"plain", "kind", "sound", "mentions", "number", "seq", "deleted_at"}

// postInfo carries what a post's transaction already knows to its after-commit hook (the Go/JS
// MessagePosted hooks, on the request's goroutine), so that it needs no query.
type postInfo struct {
	room, creator *core.Record
}

// posted maps message id -> *postInfo from the transaction to the after-commit hook, which takes it out.
var posted sync.Map

func bindMessages(app core.App) {
	messages.DeferIndexing(app) // a group commit indexes its messages in one statement
	// The request layer: who posts, the raw size limit, and idempotent retries.
	app.OnRecordCreateRequest("messages").BindFunc(func(e *core.RecordRequestEvent) error {
		if !isSuperuser(e.Auth) {
			e.Record.Set("creator", e.Auth.Id)
		}
		for _, f := range serverOwnedMessageFields {
			e.Record.Set(f, nil)
		}
		if err := messages.CheckRawBody(e.Record.GetString("body")); err != nil {
			return apis.NewBadRequestError("Failed to create record.", err)
		}
		creator, cmid := e.Record.GetString("creator"), e.Record.GetString("client_message_id")
		if cmid != "" {
			if existing, err := messages.FindByClientID(e.App, creator, cmid); err == nil {
				return respondExisting(e, existing)
			}
		}
		err := e.Next()
		if err != nil && cmid != "" {
			// a concurrent retry won the UNIQUE(creator, client_message_id) race: answer with the winner
			if existing, findErr := messages.FindByClientID(e.App, creator, cmid); findErr == nil {
				return respondExisting(e, existing)
			}
		}
		return err
	})

	// The model layer: every post, from any source (record API, bot API, importer, seed), takes the
	// same path. The CPU work (sanitizing, deriving) happens before the write transaction; the writes
	// join a group commit (see package groupcommit), each in its own savepoint.
	app.OnRecordCreate("messages").Bind(&hook.Handler[*core.RecordEvent]{
		Id: "campfirePostMessage",
		Func: func(e *core.RecordEvent) error {
			if err := messages.Prepare(e.App, e.Record); err != nil {
				return err
			}
			room, err := e.App.FindRecordById("rooms", e.Record.GetString("room"))
			if err != nil {
				return apis.NewBadRequestError("Failed to create record.", err)
			}
			creator, err := e.App.FindRecordById("users", e.Record.GetString("creator"))
			if err != nil {
				return apis.NewBadRequestError("Failed to create record.", err)
			}
			return writeError(groupcommit.Do(e.App, func(tx core.App) error {
				original := e.App
				e.App = tx
				defer func() { e.App = original }() // after-success hooks must not see the finished tx
				return post(tx, e, room, creator)
			}))
		},
	})

	// the realtime events left at commit, from the writer (afterInsert); the Go/JS hooks run here
	app.OnRecordAfterCreateSuccess("messages").BindFunc(func(e *core.RecordEvent) error {
		msg := e.Record
		v, ok := posted.LoadAndDelete(msg.Id)
		if !ok {
			return e.Next()
		}
		info := v.(*postInfo)
		ev := &events.MessageEvent{App: e.App, Message: msg, Room: info.room, Creator: info.creator}
		if err := events.For(e.App).MessagePosted.Trigger(ev, func(*events.MessageEvent) error { return nil }); err != nil {
			e.App.Logger().Error("campfire message hook", "error", err)
		}
		return e.Next()
	})

	// Edits: only the body may change, by the author or an admin (the update rule); the server re-derives
	// everything from it.
	app.OnRecordUpdateRequest("messages").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := messages.CheckRawBody(e.Record.GetString("body")); err != nil {
			return apis.NewBadRequestError("Failed to update record.", err)
		}
		keepOriginal(e.Record, "room", "creator", "client_message_id", "attachment", "created")
		keepOriginal(e.Record, serverOwnedMessageFields...)
		return e.Next()
	})

	// An edit or deletion draws a new seq; it commits on the group-commit writer (alone: it changes the
	// search index directly) and hands its event over at commit, so events leave in seq order.
	app.OnRecordUpdate("messages").BindFunc(func(e *core.RecordEvent) error {
		original := e.Record.Original()
		becameDeleted := messages.IsDeleted(e.Record) && !messages.IsDeleted(original)
		edited := !messages.IsDeleted(e.Record) && e.Record.GetString("body") != original.GetString("body")
		if !becameDeleted && !edited {
			return e.Next()
		}
		if edited {
			if err := messages.Prepare(e.App, e.Record); err != nil {
				return err
			}
		}
		return writeError(groupcommit.DoAlone(e.App, func(tx core.App) error {
			app := e.App
			e.App = tx
			defer func() { e.App = app }()
			seq, err := messages.NextSeq(tx)
			if err != nil {
				return err
			}
			e.Record.Set("seq", seq)
			if err := e.Next(); err != nil {
				return err
			}
			id := e.Record.Id
			changed.Store(id, becameDeleted)
			tx.TxInfo().OnComplete(func(txErr error) error {
				if txErr != nil {
					changed.Delete(id)
				}
				return nil
			})
			return publishChange(tx, e.Record)
		}))
	})

	app.OnRecordAfterUpdateSuccess("messages").BindFunc(func(e *core.RecordEvent) error {
		v, ok := changed.LoadAndDelete(e.Record.Id)
		if !ok {
			return e.Next()
		}
		h := events.For(e.App).MessageEdited
		if v.(bool) {
			h = events.For(e.App).MessageDeleted
		}
		triggerMessage(e.App, h, e.Record)
		return e.Next()
	})

	// Deletion keeps a tombstone so that catch-up can report it.
	app.OnRecordDeleteRequest("messages").BindFunc(func(e *core.RecordRequestEvent) error {
		messages.MarkDeleted(e.Record)
		if err := e.App.Save(e.Record); err != nil {
			return apis.NewBadRequestError("Failed to delete record.", err)
		}
		return e.NoContent(http.StatusNoContent)
	})
}

// post is the one write path of a message, run inside the write transaction tx. msg is already
// prepared (messages.Prepare).
func post(tx core.App, e *core.RecordEvent, room, creator *core.Record) error {
	msg := e.Record
	posting := &events.MessageEvent{App: tx, Message: msg, Room: room, Creator: creator}
	if err := events.For(tx).MessagePosting.Trigger(posting, func(*events.MessageEvent) error { return nil }); err != nil {
		return err
	}
	if err := messages.Number(tx, msg); err != nil {
		return err
	}
	if err := e.Next(); err != nil { // the INSERT (indexed for search with its batch, or by trigger)
		return err
	}
	// on an error the savepoint rolls the INSERT back and PocketBase runs no after-success hook
	return afterInsert(tx, msg, room, creator)
}

// changed maps message id -> whether the committed change deleted it (else it was an edit), from the
// transaction to the after-commit hook.
var changed sync.Map

func afterInsert(tx core.App, msg, room, creator *core.Record) error {
	now := types.NowDateTime()
	if err := rooms.Touch(tx, room.Id, now); err != nil {
		return err
	}
	hub := realtime.HubFor(tx)
	marked, err := rooms.MarkUnread(tx, room.Id, creator.Id, now, hub.PresentIn(room.Id))
	if err != nil {
		return err
	}
	// webhooks and pushes are written with the message, so a crash after commit loses none of them
	if err := outbox.Enqueue(tx, msg, room, creator); err != nil {
		return err
	}
	room.Set("last_message_at", now) // the copy the after-commit events describe
	posted.Store(msg.Id, &postInfo{room: room, creator: creator})
	tx.TxInfo().OnComplete(func(txErr error) error {
		if txErr != nil {
			posted.Delete(msg.Id)
			return nil
		}
		publishPosted(hub, msg, room, creator, marked)
		return nil
	})
	return nil
}

// publishPosted hands a committed post's events to the hub. It runs on the writer at commit, in seq
// order (see realtime.Hub.InOrder), so it copies what the events need and leaves the rest to the hub.
func publishPosted(hub *realtime.Hub, msg, room, creator *core.Record, marked []string) {
	item := msg.Clone()
	roomID, seq := room.Id, msg.GetInt64("seq")
	var unread map[string]any
	if len(marked) > 0 {
		unread = map[string]any{"type": "room.unread", "room": rooms.Summary(room)}
	}
	hub.InOrder(func() {
		messages.DecorateNew(item, creator)
		_ = hub.PublishRoom(roomID, map[string]any{"type": "message.created", "room": roomID, "seq": seq, "message": item})
		if len(marked) == 0 {
			return
		}
		data, err := json.Marshal(unread) // once for everyone marked: a big room marks thousands
		if err != nil {
			return
		}
		for _, id := range marked {
			hub.PublishRaw(realtime.UserTopic(id), data)
		}
	})
}

// publishChange prepares an edited or deleted message's event inside its transaction and hands it to
// the hub at commit.
func publishChange(tx core.App, msg *core.Record) error {
	roomID, seq := msg.GetString("room"), msg.GetInt64("seq")
	var payload map[string]any
	if messages.IsDeleted(msg) {
		payload = map[string]any{"type": "message.deleted", "room": roomID, "seq": seq, "message": map[string]any{"id": msg.Id}}
	} else {
		item := msg.Clone()
		if err := messages.Decorate(tx, []*core.Record{item}); err != nil {
			return err
		}
		payload = map[string]any{"type": "message.updated", "room": roomID, "seq": seq, "message": item}
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", payload["type"], err)
	}
	hub := realtime.HubFor(tx)
	tx.TxInfo().OnComplete(func(txErr error) error {
		if txErr == nil {
			hub.InOrder(func() { hub.PublishRaw(realtime.RoomTopic(roomID), data) })
		}
		return nil
	})
	return nil
}

// respondExisting answers an idempotent retry with the stored message.
func respondExisting(e *core.RecordRequestEvent, existing *core.Record) error {
	if err := apis.EnrichRecord(e.RequestEvent, existing); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, existing)
}

// triggerMessage fires one of the after-commit message hooks, logging a handler's error.
func triggerMessage(app core.App, h *hook.Hook[*events.MessageEvent], msg *core.Record) {
	ev := &events.MessageEvent{App: app, Message: msg}
	if room, err := app.FindRecordById("rooms", msg.GetString("room")); err == nil {
		ev.Room = room
	}
	if creator, err := app.FindRecordById("users", msg.GetString("creator")); err == nil {
		ev.Creator = creator
	}
	if err := h.Trigger(ev, func(*events.MessageEvent) error { return nil }); err != nil {
		app.Logger().Error("campfire message hook", "error", err)
	}
}
