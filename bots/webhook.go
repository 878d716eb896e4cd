package bots

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/outbox"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/webhooks"
)

// outboxKind is the outbox kind of webhook deliveries.
const outboxKind = "webhook"

// webhookReplyFlag is the custom (never stored, never client-settable) record key that marks a message
// posted from a webhook's answer, so the planner sends no webhook for it.
const webhookReplyFlag = "campfireWebhookReply"

// MaxDeliveriesKept bounds the webhook_deliveries rows kept per bot (the newest).
const MaxDeliveriesKept = 500

// MarkWebhookReply marks an unsaved message as a bot's webhook reply: posting it sends no webhook.
// Messages bots post through the bot API are not marked: they reach other bots like anyone's.
func MarkWebhookReply(msg *core.Record) { msg.Set(webhookReplyFlag, true) }

// IsWebhookReply reports whether a message being posted was marked by MarkWebhookReply.
func IsWebhookReply(msg *core.Record) bool { return msg.GetBool(webhookReplyFlag) }

// plan decides, inside the post's transaction, which bots get a webhook for a new message: in a
// direct room every member bot, in a shared room every mentioned bot (mentions only ever name room
// members), in both cases active bots with a webhook URL, never the author, never for a webhook reply.
func plan(tx core.App, msg, room, creator *core.Record) ([]string, error) {
	if IsWebhookReply(msg) {
		return nil, nil
	}
	var candidates []string
	if room.GetString("kind") == rooms.Direct {
		ids, err := rooms.MemberIDs(tx, room.Id)
		if err != nil {
			return nil, err
		}
		candidates = ids
	} else {
		candidates = msg.GetStringSlice("mentions")
	}
	in := make([]any, 0, len(candidates))
	for _, id := range candidates {
		if id != "" && (creator == nil || id != creator.Id) {
			in = append(in, id)
		}
	}
	if len(in) == 0 {
		return nil, nil
	}
	var ids []string
	err := tx.DB().Select("id").From("users").
		Where(dbx.In("id", in...)).
		AndWhere(dbx.HashExp{"role": Role, "status": StatusActive}).
		AndWhere(dbx.NewExp("webhook_url != ''")).
		OrderBy("id").Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("find bots to call: %w", err)
	}
	return ids, nil
}

// deliver is the outbox handler of webhooks: one attempt per call, under the outbox row id as the
// Standard Webhooks webhook-id (the same for every retry).
func deliver(ctx context.Context, app core.App, it outbox.Item) outbox.Result {
	opts, d, _ := stateFor(app).snapshot()

	bot, err := FindActive(app, it.Recipient)
	if err != nil || bot.GetString("webhook_url") == "" {
		return outbox.Result{} // deactivated or webhook removed since: nothing to do
	}
	msg, err := app.FindRecordById("messages", it.Message)
	if err != nil || messages.IsDeleted(msg) {
		return outbox.Result{} // deleted since
	}
	room, err := app.FindRecordById("rooms", msg.GetString("room"))
	if err != nil || !rooms.IsMember(app, room.Id, bot.Id) {
		return outbox.Result{} // the bot left the room since
	}
	author := webhooks.PayloadUser{ID: msg.GetString("creator")}
	if u, err := app.FindRecordById("users", author.ID); err == nil {
		author.Name = u.GetString("name")
	}
	payload := webhooks.Payload{
		User: author,
		Room: webhooks.PayloadRoom{ID: room.Id, Name: room.GetString("name"), Path: PostPath(app, room.Id, bot)},
		Message: webhooks.PayloadMessage{
			ID: msg.Id,
			Body: webhooks.PayloadBody{
				HTML:  msg.GetString("body"),
				Plain: webhooks.StripBotMention(msg.GetString("plain"), bot.GetString("name")),
			},
			Path: MessagePath(room.Id, msg.Id),
		},
	}
	d.MaxReplyBytes = uploadLimit(app)
	attempt := it.Attempts + 1

	// OnWebhookDelivering may change the payload or the URL, or skip the attempt (no e.Next()).
	var out webhooks.Outcome
	sent := false
	ev := &events.WebhookDeliveringEvent{App: app, Bot: bot, Message: msg, Room: room,
		URL: bot.GetString("webhook_url"), Payload: &payload, Attempt: attempt}
	hookErr := events.For(app).WebhookDelivering.Trigger(ev, func(e *events.WebhookDeliveringEvent) error {
		body, err := e.Payload.Marshal()
		if err != nil {
			return fmt.Errorf("encode webhook payload: %w", err)
		}
		sent = true
		out = d.Deliver(ctx, e.URL, bot.GetString("webhook_secret"), it.ID, body)
		return e.Next()
	})
	switch {
	case !sent && hookErr == nil:
		return outbox.Result{} // a hook skipped the delivery
	case !sent:
		// a failing hook counts as a failed attempt, retried like a connection error
		out = webhooks.Outcome{Retryable: true, Err: fmt.Errorf("webhook hook: %w", hookErr)}
	}
	if ctx.Err() != nil {
		// shutting down: the row stays queued for the next start, this attempt does not count
		return outbox.Result{Retry: true, Err: out.Err}
	}

	var note error
	switch {
	case out.OK() && out.Reply != nil:
		note = postReply(app, it.ID, bot, room, out.Reply)
	case out.TimedOut:
		note = postText(app, it.ID, bot, room, d.TimeoutText())
	case out.Disable:
		note = disableWebhook(app, bot)
	}
	retry := webhooks.ShouldRetry(out, attempt)
	recordAttempt(app, bot.Id, msg.Id, it.ID, attempt, out, !retry, note)
	if retry {
		return outbox.Result{Retry: true, RetryAfter: opts.Backoff(attempt), Err: out.Err}
	}
	return outbox.Result{Err: errors.Join(out.Err, note)}
}

// uploadLimit is the largest attachment a message takes (the messages.attachment field's MaxSize).
func uploadLimit(app core.App) int64 {
	if col, err := app.FindCachedCollectionByNameOrId("messages"); err == nil {
		if f, ok := col.Fields.GetByName("attachment").(*core.FileField); ok && f.MaxSize > 0 {
			return f.MaxSize
		}
	}
	return webhooks.DefaultMaxReplyBytes
}

// postReply posts a bot's answer in the room: text/plain as text, text/html as HTML (sanitized like
// any message), anything else as an attachment. A text too long for a message becomes a file.
func postReply(app core.App, itemID string, bot, room *core.Record, r *webhooks.Reply) error {
	if !r.IsText() {
		f, err := filesystem.NewFileFromBytes(r.Body, r.Filename)
		if err != nil {
			return fmt.Errorf("reply not posted: %w", err)
		}
		return saveReply(app, itemID, bot, room, "", f)
	}
	text := string(r.Body)
	if strings.TrimSpace(text) == "" {
		return nil
	}
	body := text
	if r.ContentType == "text/plain" {
		body = PlainToHTML(text)
	}
	if len(body) > messages.MaxRawBodyBytes {
		name := "reply.txt"
		if r.ContentType == "text/html" {
			name = "reply.html"
		}
		f, err := filesystem.NewFileFromBytes(r.Body, name)
		if err != nil {
			return fmt.Errorf("reply not posted: %w", err)
		}
		return saveReply(app, itemID, bot, room, "", f)
	}
	return saveReply(app, itemID, bot, room, body, nil)
}

// postText posts a plain text from the bot (the timeout notice).
func postText(app core.App, itemID string, bot, room *core.Record, text string) error {
	return saveReply(app, itemID, bot, room, PlainToHTML(text), nil)
}

// saveReply posts through the normal model path (dedup, broadcast, unread, push, other bots'
// planners see the flag and skip it). Its client_message_id is derived from the delivery, so a
// delivery re-run after a crash cannot post its reply twice.
func saveReply(app core.App, itemID string, bot, room *core.Record, body string, file *filesystem.File) error {
	col, err := app.FindCachedCollectionByNameOrId("messages")
	if err != nil {
		return err
	}
	cmid := "webhook-" + itemID
	msg := core.NewRecord(col)
	msg.Set("room", room.Id)
	msg.Set("creator", bot.Id)
	msg.Set("client_message_id", cmid)
	msg.Set("body", body)
	if file != nil {
		msg.Set("attachment", file)
	}
	MarkWebhookReply(msg)
	if err := app.Save(msg); err != nil {
		if _, ferr := messages.FindByClientID(app, bot.Id, cmid); ferr == nil {
			return nil // posted by an earlier run of this delivery
		}
		return fmt.Errorf("reply not posted: %w", err)
	}
	return nil
}

// disableWebhook clears a bot's webhook URL after a 410 Gone.
func disableWebhook(app core.App, bot *core.Record) error {
	fresh, err := app.FindRecordById("users", bot.Id)
	if err != nil {
		return err
	}
	fresh.Set("webhook_url", "")
	if err := app.Save(fresh); err != nil {
		return fmt.Errorf("disable webhook: %w", err)
	}
	return nil
}

// recordAttempt writes one webhook_deliveries row (every attempt has one) and keeps the newest
// MaxDeliveriesKept rows of the bot.
func recordAttempt(app core.App, botID, msgID, webhookID string, attempt int, out webhooks.Outcome, final bool, note error) {
	col, err := app.FindCachedCollectionByNameOrId("webhook_deliveries")
	if err != nil {
		app.Logger().Error("bots: webhook_deliveries collection", "error", err)
		return
	}
	text := ""
	if err := errors.Join(out.Err, note); err != nil {
		text = truncate(err.Error(), 2000)
	}
	r := core.NewRecord(col)
	r.Set("bot", botID)
	r.Set("message", msgID)
	r.Set("webhook_id", webhookID)
	r.Set("attempt", attempt)
	r.Set("status", out.Status)
	r.Set("duration", out.Duration.Milliseconds())
	r.Set("error", text)
	r.Set("final", final)
	if err := app.Save(r); err != nil {
		app.Logger().Error("bots: record webhook delivery", "error", err)
		return
	}
	_, err = app.DB().NewQuery(`DELETE FROM webhook_deliveries WHERE bot = {:bot} AND id NOT IN
		(SELECT id FROM webhook_deliveries WHERE bot = {:bot} ORDER BY created DESC, id DESC LIMIT {:keep})`).
		Bind(dbx.Params{"bot": botID, "keep": MaxDeliveriesKept}).Execute()
	if err != nil {
		app.Logger().Error("bots: prune webhook deliveries", "error", err)
	}
}

// PlainToHTML turns plain text into message HTML: escaped, line breaks kept.
func PlainToHTML(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(html.EscapeString(text), "\n", "<br>")
}

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
