package bots

import (
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/messages"
)

// MessageJSON is a message as the bot API shows it, with Campfire's names.
type MessageJSON struct {
	ID        string      `json:"id"`
	CreatedAt string      `json:"created_at"`
	Body      MessageBody `json:"body"`
	Creator   PersonJSON  `json:"creator"`
	Room      RoomRef     `json:"room"`
	URL       string      `json:"url"`
}

// MessageBody is a message's text: plain and sanitized HTML.
type MessageBody struct {
	PlainText string `json:"plain_text"`
	HTML      string `json:"html"`
}

// PersonJSON is a message's creator or a boost's booster.
type PersonJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	AvatarURL string `json:"avatar_url"`
}

// RoomRef and MessageRef point at a room or a message.
type (
	RoomRef struct {
		ID string `json:"id"`
	}
	MessageRef struct {
		ID string `json:"id"`
	}
)

// BoostJSON is a boost as the bot API shows it.
type BoostJSON struct {
	ID        string     `json:"id"`
	Content   string     `json:"content"`
	CreatedAt string     `json:"created_at"`
	Booster   PersonJSON `json:"booster"`
	Message   MessageRef `json:"message"`
}

// BotJSON is a bot as the admin routes show it. Key is set only in the answers that create a key
// (creation, regeneration): it is shown once.
type BotJSON struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Avatar        string `json:"avatar"`
	AvatarURL     string `json:"avatar_url"`
	Status        string `json:"status"`
	WebhookURL    string `json:"webhook_url"`
	WebhookSecret string `json:"webhook_secret"`
	Created       string `json:"created"`
	Updated       string `json:"updated"`
	Key           string `json:"key,omitempty"`
}

// DeliveryJSON is one webhook attempt as admins see it.
type DeliveryJSON struct {
	ID         string `db:"id" json:"id"`
	Message    string `db:"message" json:"message"`
	WebhookID  string `db:"webhook_id" json:"webhook_id"`
	Attempt    int    `db:"attempt" json:"attempt"`
	Status     int    `db:"status" json:"status"`
	DurationMS int    `db:"duration" json:"duration_ms"`
	Error      string `db:"error" json:"error"`
	Final      bool   `db:"final" json:"final"`
	Created    string `db:"created" json:"created"`
}

// timeJSON formats a PocketBase date as ISO 8601 in UTC with milliseconds.
func timeJSON(dt types.DateTime) string {
	if dt.IsZero() {
		return ""
	}
	return dt.Time().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// avatarPath is the public path of a user's avatar, "" without one (avatars are not protected).
func avatarPath(usersCollectionID, userID, avatar string) string {
	if avatar == "" {
		return ""
	}
	return "/api/files/" + url.PathEscape(usersCollectionID) + "/" + url.PathEscape(userID) + "/" + url.PathEscape(avatar)
}

// baseURL is the scheme and host the caller reached us at, for absolute URLs in answers.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// messagesJSON shows messages for the bot API; base prefixes absolute URLs.
func messagesJSON(app core.App, base string, msgs []*core.Record) ([]MessageJSON, error) {
	ids := make([]string, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.GetString("creator"))
	}
	creators, err := messages.Creators(app, ids)
	if err != nil {
		return nil, err
	}
	out := make([]MessageJSON, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, MessageJSON{
			ID:        m.Id,
			CreatedAt: timeJSON(m.GetDateTime("created")),
			Body:      MessageBody{PlainText: m.GetString("plain"), HTML: m.GetString("body")},
			Creator:   personFrom(base, creators[m.GetString("creator")], m.GetString("creator")),
			Room:      RoomRef{ID: m.GetString("room")},
			URL:       base + MessagePath(m.GetString("room"), m.Id),
		})
	}
	return out, nil
}

func personFrom(base string, c map[string]any, id string) PersonJSON {
	p := PersonJSON{ID: id}
	if c == nil {
		return p
	}
	p.Name, _ = c["name"].(string)
	p.Role, _ = c["role"].(string)
	colID, _ := c["collectionId"].(string)
	avatar, _ := c["avatar"].(string)
	if path := avatarPath(colID, id, avatar); path != "" {
		p.AvatarURL = base + path
	}
	return p
}

func boostJSON(app core.App, base string, boost *core.Record) (BoostJSON, error) {
	booster := boost.GetString("booster")
	creators, err := messages.Creators(app, []string{booster})
	if err != nil {
		return BoostJSON{}, err
	}
	return BoostJSON{
		ID:        boost.Id,
		Content:   boost.GetString("content"),
		CreatedAt: timeJSON(boost.GetDateTime("created")),
		Booster:   personFrom(base, creators[booster], booster),
		Message:   MessageRef{ID: boost.GetString("message")},
	}, nil
}

func botJSON(base string, bot *core.Record, key string) BotJSON {
	b := BotJSON{
		ID:            bot.Id,
		Name:          bot.GetString("name"),
		Avatar:        bot.GetString("avatar"),
		Status:        bot.GetString("status"),
		WebhookURL:    bot.GetString("webhook_url"),
		WebhookSecret: bot.GetString("webhook_secret"),
		Created:       timeJSON(bot.GetDateTime("created")),
		Updated:       timeJSON(bot.GetDateTime("updated")),
		Key:           key,
	}
	if path := avatarPath(bot.Collection().Id, bot.Id, b.Avatar); path != "" {
		b.AvatarURL = base + path
	}
	return b
}
