package bots

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/logredact"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/rooms"
)

// The bot API (SPEC §7), on Campfire's paths:
//
//	POST   /rooms/{room}/{bot_key}/messages                       raw text/HTML, or multipart "attachment" → 201 + Location
//	       [?client_message_id=X]                                 a retry with the same X → 200 with the stored message
//	GET    /rooms/{room}/{bot_key}/messages[?before=ID|after=ID]  → JSON array, oldest first, ≤ 40
//	PUT    /rooms/{room}/{bot_key}/messages/{id}                  raw text/HTML → 200 message
//	PATCH  /rooms/{room}/{bot_key}/messages/{id}                  same as PUT
//	DELETE /rooms/{room}/{bot_key}/messages/{id}                  → 204
//	POST   /rooms/{room}/{bot_key}/messages/{id}/boosts           raw boost text → 201 boost
//	DELETE /rooms/{room}/{bot_key}/messages/{id}/boosts/{boost}   → 204
//
// {bot_key} may be "-" with the key in "Authorization: Bearer <key>". A bad key is 401, a room the bot
// is not in 404, someone else's message 403, an empty body 422, too many posts 429.

// APIPageSize is the bot API's page of history (Campfire's).
const APIPageSize = 40

const (
	eventKeyBot  = "campfireBot"
	eventKeyRoom = "campfireBotRoom"
)

func bindAPI(r *router.Router[*core.RequestEvent]) {
	g := r.Group("/rooms/{room}/{bot_key}/messages")
	g.Bind(uploadBodyLimit(), authenticateBot())
	g.GET("", listMessages)
	g.POST("", createMessage)
	g.PUT("/{id}", editMessage)
	g.PATCH("/{id}", editMessage)
	g.DELETE("/{id}", deleteMessage)
	g.POST("/{id}/boosts", createBoost)
	g.DELETE("/{id}/boosts/{boost}", deleteBoost)
}

// redactKeyRule keeps bot keys out of the request logs: /rooms/<room>/<id>-<token>/messages... is
// logged as /rooms/<room>/<id>-REDACTED/messages... (the bot's id stays, to tell bots apart).
func redactKeyRule(path string) (string, bool) {
	parts := strings.SplitN(path, "/", 5) // "", "rooms", room, key, "messages[/...]"
	if len(parts) < 5 || parts[0] != "" || parts[1] != "rooms" ||
		(parts[4] != "messages" && !strings.HasPrefix(parts[4], "messages/")) || parts[3] == "-" {
		return "", false
	}
	id, _, hasDash := strings.Cut(parts[3], "-")
	if hasDash && id != "" && len(id) <= 32 && !strings.ContainsAny(id, "%") {
		parts[3] = id + "-" + logredact.Placeholder
	} else {
		parts[3] = logredact.Placeholder
	}
	return strings.Join(parts, "/"), true
}

// uploadBodyLimit raises PocketBase's 32 MB body limit to the attachment limit (plus room for the
// multipart envelope) on the bot API.
func uploadBodyLimit() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       apis.DefaultBodyLimitMiddlewareId,
		Priority: apis.DefaultBodyLimitMiddlewarePriority,
		Func: func(e *core.RequestEvent) error {
			return apis.BodyLimit(uploadLimit(e.App) + 1<<20).Func(e)
		},
	}
}

// authenticateBot finds the bot from its key (path, or Bearer with "-") and the room it acts in.
func authenticateBot() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "campfireBotAuth",
		Func: func(e *core.RequestEvent) error {
			key := e.Request.PathValue("bot_key")
			if key == "-" {
				key = bearer(e.Request.Header.Get("Authorization"))
			}
			legacy := stateFor(e.App).legacyResolvers()
			bot, err := Authenticate(e.App, key)
			if err != nil && legacy.Bot != nil {
				bot, err = legacy.Bot(e.App, key)
			}
			if err != nil || !IsActive(bot) {
				return e.UnauthorizedError("Invalid bot key.", nil)
			}
			room, err := e.App.FindRecordById("rooms", e.Request.PathValue("room"))
			if err != nil && legacy.Room != nil {
				room, err = legacy.Room(e.App, e.Request.PathValue("room"))
			}
			if err != nil || !rooms.IsMember(e.App, room.Id, bot.Id) {
				return e.NotFoundError("", nil)
			}
			e.Set(eventKeyBot, bot)
			e.Set(eventKeyRoom, room)
			return e.Next()
		},
	}
}

func bearer(h string) string {
	h = strings.TrimSpace(h)
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return h
}

func botOf(e *core.RequestEvent) *core.Record  { r, _ := e.Get(eventKeyBot).(*core.Record); return r }
func roomOf(e *core.RequestEvent) *core.Record { r, _ := e.Get(eventKeyRoom).(*core.Record); return r }

var errEmpty = errors.New("empty message")

// readText reads a raw text/HTML body: text/plain is escaped as plain text, anything else (text/html,
// curl's default form type, none) is taken as HTML and sanitized like every message.
func readText(e *core.RequestEvent) (string, error) {
	data, err := io.ReadAll(io.LimitReader(e.Request.Body, int64(messages.MaxRawBodyBytes)+1))
	if err != nil {
		return "", err
	}
	if len(data) > messages.MaxRawBodyBytes {
		return "", validation.Errors{"body": messages.ErrBodyTooLarge}
	}
	text := string(data)
	if strings.TrimSpace(text) == "" {
		return "", errEmpty
	}
	if mt, _, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type")); mt == "text/plain" {
		text = PlainToHTML(text)
	}
	return text, nil
}

// answerSaveError maps a failed save to the bot API's statuses: blank → 422, other input → 400.
func answerSaveError(e *core.RequestEvent, err error, what string) error {
	if errors.Is(err, errEmpty) || hasCode(err, "validation_blank_message") || hasCode(err, "validation_boost_content") {
		return e.Error(http.StatusUnprocessableEntity, "The "+what+" is empty or invalid.", nil)
	}
	if hasCode(err, "validation_body_too_large") {
		return e.BadRequestError("The message is longer than 100000 bytes.", nil)
	}
	return e.BadRequestError("Failed to save the "+what+".", err)
}

// hasCode reports whether err carries a validation error with the given code, at any depth.
func hasCode(err error, code string) bool {
	var errs validation.Errors
	if !errors.As(err, &errs) {
		var one validation.Error
		return errors.As(err, &one) && one.Code() == code
	}
	for _, v := range errs {
		if ve, ok := v.(validation.Error); ok && ve.Code() == code {
			return true
		}
		if hasCode(v, code) {
			return true
		}
	}
	return false
}

// clientIDPattern is messages.client_message_id's pattern.
var clientIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func createMessage(e *core.RequestEvent) error {
	bot, room := botOf(e), roomOf(e)

	// Beyond Campfire: ?client_message_id= makes a post idempotent, as in the record API: a retry
	// answers 200 with the stored message and posts nothing.
	cmid := e.Request.URL.Query().Get("client_message_id")
	if cmid != "" {
		if !clientIDPattern.MatchString(cmid) {
			return e.BadRequestError("client_message_id is 1 to 64 characters of A-Z, a-z, 0-9, _ and -.", nil)
		}
		if existing, err := messages.FindByClientID(e.App, bot.Id, cmid); err == nil {
			return answerMessage(e, http.StatusOK, existing)
		}
	}

	opts, _, lim := stateFor(e.App).snapshot()
	if ok, wait := lim.allow(bot.Id, time.Now()); !ok {
		e.Response.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return e.TooManyRequestsError("Too many messages: at most "+strconv.Itoa(opts.PostLimit)+" every "+opts.PostWindow.String()+".", nil)
	}
	col, err := e.App.FindCachedCollectionByNameOrId("messages")
	if err != nil {
		return e.InternalServerError("", err)
	}
	msg := core.NewRecord(col)
	msg.Set("room", room.Id)
	msg.Set("creator", bot.Id)

	mt, _, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		files, err := e.FindUploadedFiles("attachment")
		if err != nil && !errors.Is(err, http.ErrMissingFile) {
			return e.BadRequestError("Invalid multipart body.", err)
		}
		body := ""
		if e.Request.MultipartForm != nil {
			if v := e.Request.MultipartForm.Value["body"]; len(v) > 0 {
				body = v[0]
			}
		}
		if err := messages.CheckRawBody(body); err != nil {
			return answerSaveError(e, err, "message")
		}
		if len(files) == 0 && strings.TrimSpace(body) == "" {
			return answerSaveError(e, errEmpty, "message")
		}
		if len(files) > 0 {
			msg.Set("attachment", files[0])
		}
		msg.Set("body", body)
	} else {
		text, err := readText(e)
		if err != nil {
			return answerSaveError(e, err, "message")
		}
		msg.Set("body", text)
	}

	if cmid != "" {
		msg.Set("client_message_id", cmid)
	}
	if err := e.App.Save(msg); err != nil {
		if cmid != "" { // a concurrent retry won the UNIQUE(creator, client_message_id) race
			if existing, ferr := messages.FindByClientID(e.App, bot.Id, cmid); ferr == nil {
				return answerMessage(e, http.StatusOK, existing)
			}
		}
		return answerSaveError(e, err, "message")
	}
	return answerMessage(e, http.StatusCreated, msg)
}

// answerMessage answers with one message and its Location.
func answerMessage(e *core.RequestEvent, status int, msg *core.Record) error {
	out, err := messagesJSON(e.App, baseURL(e.Request), []*core.Record{msg})
	if err != nil {
		return e.InternalServerError("", err)
	}
	e.Response.Header().Set("Location", out[0].URL)
	return e.JSON(status, out[0])
}

func listMessages(e *core.RequestEvent) error {
	room := roomOf(e)
	q := e.Request.URL.Query()
	beforeID, afterID := q.Get("before"), q.Get("after")
	if beforeID != "" && afterID != "" {
		return e.BadRequestError("Use before or after, not both.", nil)
	}
	var before, after int64
	for _, c := range []struct {
		id  string
		dst *int64
	}{{beforeID, &before}, {afterID, &after}} {
		if c.id == "" {
			continue
		}
		var n int64
		err := e.App.DB().NewQuery("SELECT number FROM messages WHERE id = {:id} AND room = {:room}").
			Bind(dbx.Params{"id": c.id, "room": room.Id}).Row(&n)
		if err != nil || n <= 0 {
			return e.NotFoundError("Unknown message.", nil)
		}
		*c.dst = n
	}
	page, err := messages.History(e.App, room.Id, before, after, APIPageSize)
	if err != nil {
		return e.BadRequestError("Failed to load messages.", err)
	}
	var total int
	if err := e.App.DB().NewQuery("SELECT COUNT(*) FROM messages WHERE room = {:room} AND deleted_at = ''").
		Bind(dbx.Params{"room": room.Id}).Row(&total); err != nil {
		return e.BadRequestError("Failed to count messages.", err)
	}
	base := baseURL(e.Request)
	items, err := messagesJSON(e.App, base, page.Items)
	if err != nil {
		return e.BadRequestError("Failed to load messages.", err)
	}
	h := e.Response.Header()
	h.Set("X-Total-Count", strconv.Itoa(total))
	if page.HasMore && len(items) > 0 {
		// next: further in the direction of travel (older by default, newer when paging with after)
		param, id := "before", items[0].ID
		if after > 0 {
			param, id = "after", items[len(items)-1].ID
		}
		next := base + e.Request.URL.EscapedPath() + "?" + url.Values{param: {id}}.Encode()
		h.Set("Link", "<"+next+`>; rel="next"`)
	}
	return e.JSON(http.StatusOK, items)
}

// ownMessage loads a live message of the room and checks that the bot wrote it.
func ownMessage(e *core.RequestEvent) (*core.Record, error) {
	msg, err := liveMessage(e)
	if err != nil {
		return nil, err
	}
	if msg.GetString("creator") != botOf(e).Id {
		return nil, e.ForbiddenError("Bots can only change their own messages.", nil)
	}
	return msg, nil
}

func liveMessage(e *core.RequestEvent) (*core.Record, error) {
	msg, err := e.App.FindRecordById("messages", e.Request.PathValue("id"))
	if err != nil || msg.GetString("room") != roomOf(e).Id || messages.IsDeleted(msg) {
		return nil, e.NotFoundError("", nil)
	}
	return msg, nil
}

func editMessage(e *core.RequestEvent) error {
	msg, err := ownMessage(e)
	if err != nil {
		return err
	}
	if msg.GetString("kind") == messages.KindAttachment {
		return e.Error(http.StatusUnprocessableEntity, "Attachment messages can only be deleted.", nil)
	}
	text, err := readText(e)
	if err != nil {
		return answerSaveError(e, err, "message")
	}
	msg.Set("body", text)
	if err := e.App.Save(msg); err != nil {
		return answerSaveError(e, err, "message")
	}
	out, err := messagesJSON(e.App, baseURL(e.Request), []*core.Record{msg})
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, out[0])
}

func deleteMessage(e *core.RequestEvent) error {
	msg, err := ownMessage(e)
	if err != nil {
		return err
	}
	messages.MarkDeleted(msg)
	if err := e.App.Save(msg); err != nil {
		return e.BadRequestError("Failed to delete the message.", err)
	}
	return e.NoContent(http.StatusNoContent)
}

func createBoost(e *core.RequestEvent) error {
	msg, err := liveMessage(e)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(e.Request.Body, 4096))
	if err != nil {
		return e.BadRequestError("Invalid body.", err)
	}
	content, err := messages.NormalizeBoost(string(data))
	if err != nil {
		return answerSaveError(e, err, "boost")
	}
	col, err := e.App.FindCachedCollectionByNameOrId("boosts")
	if err != nil {
		return e.InternalServerError("", err)
	}
	boost := core.NewRecord(col)
	boost.Set("message", msg.Id)
	boost.Set("booster", botOf(e).Id)
	boost.Set("content", content)
	if err := e.App.Save(boost); err != nil {
		return answerSaveError(e, err, "boost")
	}
	out, err := boostJSON(e.App, baseURL(e.Request), boost)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusCreated, out)
}

func deleteBoost(e *core.RequestEvent) error {
	msg, err := liveMessage(e)
	if err != nil {
		return err
	}
	boost, err := e.App.FindRecordById("boosts", e.Request.PathValue("boost"))
	if err != nil || boost.GetString("message") != msg.Id {
		return e.NotFoundError("", nil)
	}
	if boost.GetString("booster") != botOf(e).Id {
		return e.ForbiddenError("Bots can only remove their own boosts.", nil)
	}
	if err := e.App.Delete(boost); err != nil {
		return e.BadRequestError("Failed to remove the boost.", err)
	}
	return e.NoContent(http.StatusNoContent)
}
