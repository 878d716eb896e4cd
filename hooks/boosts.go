package hooks

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/groupcommit"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/realtime"
)

func bindBoosts(app core.App) {
	app.OnRecordCreateRequest("boosts").BindFunc(func(e *core.RecordRequestEvent) error {
		if !isSuperuser(e.Auth) {
			e.Record.Set("booster", e.Auth.Id)
		}
		return e.Next()
	})

	app.OnRecordCreate("boosts").BindFunc(func(e *core.RecordEvent) error {
		content, err := messages.NormalizeBoost(e.Record.GetString("content"))
		if err != nil {
			return err
		}
		e.Record.Set("content", content)
		return withBumpedSeq(e, "boost.created")
	})
	app.OnRecordDelete("boosts").BindFunc(func(e *core.RecordEvent) error {
		return withBumpedSeq(e, "boost.deleted")
	})
}

// withBumpedSeq saves a boost change and gives its message a new seq in the same transaction, so that
// catch-up (changes?since=) reports the message with its new boosts. It commits on the group-commit
// writer, which hands the event to the hub at commit: events leave in seq order (realtime.Hub.InOrder).
func withBumpedSeq(e *core.RecordEvent, eventType string) error {
	return writeError(groupcommit.Do(e.App, func(tx core.App) error {
		original := e.App
		e.App = tx
		defer func() { e.App = original }()
		if err := e.Next(); err != nil {
			return err
		}
		boost := e.Record
		seq, err := messages.BumpSeq(tx, boost.GetString("message"))
		if err != nil {
			return err
		}
		var roomID string
		if err := tx.DB().NewQuery("SELECT room FROM messages WHERE id = {:id}").
			Bind(map[string]any{"id": boost.GetString("message")}).Row(&roomID); err != nil {
			return fmt.Errorf("boost event: find room: %w", err)
		}
		payload := map[string]any{"id": boost.Id, "message": boost.GetString("message")}
		if eventType == "boost.created" {
			name := ""
			if u, err := tx.FindRecordById("users", boost.GetString("booster")); err == nil {
				name = u.GetString("name")
			}
			payload["content"] = boost.GetString("content")
			payload["created"] = boost.GetDateTime("created")
			payload["booster"] = map[string]any{"id": boost.GetString("booster"), "name": name}
		}
		hub := realtime.HubFor(tx)
		tx.TxInfo().OnComplete(func(txErr error) error {
			if txErr == nil {
				hub.InOrder(func() {
					_ = hub.PublishRoom(roomID, map[string]any{"type": eventType, "room": roomID, "seq": seq, "boost": payload})
				})
			}
			return nil
		})
		return nil
	}))
}
