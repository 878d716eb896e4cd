package webhooks

import (
	"bytes"
	"encoding/json"
)

// Payload is the JSON body posted to a bot, field for field Campfire's:
//
//	{"user": {"id", "name"},
//	 "room": {"id", "name", "path"},
//	 "message": {"id", "body": {"html", "plain"}, "path"}}
//
// Ids are PocketBase's string ids (Campfire's are integers).
type Payload struct {
	User    PayloadUser    `json:"user"`
	Room    PayloadRoom    `json:"room"`
	Message PayloadMessage `json:"message"`
}

// PayloadUser is the author of the message.
type PayloadUser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// PayloadRoom is the room of the message; Path is the bot's post-back path.
type PayloadRoom struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Path string `json:"path"`
}

// PayloadMessage is the new message; Body.Plain has the bot's @name removed
// (see StripBotMention).
type PayloadMessage struct {
	ID   string      `json:"id"`
	Body PayloadBody `json:"body"`
	Path string      `json:"path"`
}

// PayloadBody holds the message as HTML and as plain text.
type PayloadBody struct {
	HTML  string `json:"html"`
	Plain string `json:"plain"`
}

// Marshal encodes the payload as compact JSON without a trailing newline.
// Unlike json.Marshal it leaves <, > and & unescaped, so the HTML body stays
// readable for bot authors; both forms are valid JSON.
func (p Payload) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
