package hooks

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/realtime"
)

// boostSeqs carries the seq a boost change gave its message from the transaction to the after-commit
// hook (boost id -> seq).
var boostSeqs sync.Map

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
		return withBumpedSeq(e)
	})
	app.OnRecordDelete("boosts").BindFunc(withBumpedSeq)

	app.OnRecordAfterCreateSuccess("boosts").BindFunc(func(e *core.RecordEvent) error {
		publishBoost(e.App, e.Record, "boost.created")
		return e.Next()
	})
	app.OnRecordAfterDeleteSuccess("boosts").BindFunc(func(e *core.RecordEvent) error {
		publishBoost(e.App, e.Record, "boost.deleted")
		return e.Next()
	})
}

// withBumpedSeq saves a boost change and gives its message a new seq in the same transaction, so that
// catch-up (changes?since=) reports the message with its new boosts.
func withBumpedSeq(e *core.RecordEvent) error {
	return e.App.RunInTransaction(func(tx core.App) error {
		original := e.App
		e.App = tx
		defer func() { e.App = original }()
		if err := e.Next(); err != nil {
			return err
		}
		seq, err := messages.BumpSeq(tx, e.Record.GetString("message"))
		if err != nil {
			return err
		}
		id := e.Record.Id
		boostSeqs.Store(id, seq)
		tx.TxInfo().OnComplete(func(txErr error) error {
			if txErr != nil {
				boostSeqs.Delete(id)
			}
			return nil
		})
		return nil
	})
}

func publishBoost(app core.App, boost *core.Record, eventType string) {
	v, ok := boostSeqs.LoadAndDelete(boost.Id)
	if !ok {
		return
	}
	var roomID string
	if err := app.DB().NewQuery("SELECT room FROM messages WHERE id = {:id}").
		Bind(map[string]any{"id": boost.GetString("message")}).Row(&roomID); err != nil {
		app.Logger().Error("boost event: find room", "error", err)
		return
	}
	payload := map[string]any{"id": boost.Id, "message": boost.GetString("message")}
	if eventType == "boost.created" {
		name := ""
		if u, err := app.FindRecordById("users", boost.GetString("booster")); err == nil {
			name = u.GetString("name")
		}
		payload["content"] = boost.GetString("content")
		payload["created"] = boost.GetDateTime("created")
		payload["booster"] = map[string]any{"id": boost.GetString("booster"), "name": name}
	}
	_ = realtime.HubFor(app).PublishRoom(roomID, map[string]any{
		"type": eventType, "room": roomID, "seq": v.(int64), "boost": payload,
	})
}
