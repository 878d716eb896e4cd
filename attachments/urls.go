package attachments

import (
	"net/url"

	"github.com/pocketbase/pocketbase/core"
)

// URL fields API answers add to a message (custom data on the record; always present, "" when the
// message has no such file):
//
//   - attachment_url:    the original file
//   - thumb_url:         a 1200x800 (fit) thumbnail, images PocketBase thumbnails only
//   - preview_image_url: the link preview's image (stored by us, never the third party's URL)
//
// They are paths on this server (/api/files/messages/{id}/{file}...), with `token=` when made for a
// viewer and without it otherwise (realtime events).
const (
	FieldAttachmentURL   = "attachment_url"
	FieldThumbURL        = "thumb_url"
	FieldPreviewImageURL = "preview_image_url"
)

// FileURL is the download path of one file of a record: /api/files/{collection}/{id}/{filename}, with
// ?thumb= when thumb is not "" and token= when token is not "".
func FileURL(record *core.Record, filename, thumb, token string) string {
	if record == nil || filename == "" {
		return ""
	}
	p := "/api/files/" + url.PathEscape(record.Collection().Name) + "/" + url.PathEscape(record.Id) +
		"/" + url.PathEscape(filename)
	q := url.Values{}
	if thumb != "" {
		q.Set("thumb", thumb)
	}
	if token != "" {
		q.Set("token", token)
	}
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

// URLs returns a message's attachment, thumbnail and preview image URLs (each "" when absent), with
// token when it is not "".
func URLs(msg *core.Record, token string) (attachment, thumb, previewImage string) {
	if name := msg.GetString("attachment"); name != "" {
		attachment = FileURL(msg, name, "", token)
		if Thumbable(msg.GetString("attachment_type")) {
			thumb = FileURL(msg, name, Thumb, token)
		}
	}
	if name := msg.GetString("preview_image"); name != "" {
		previewImage = FileURL(msg, name, "", token)
	}
	return attachment, thumb, previewImage
}

// SetURLs adds attachment_url, thumb_url and preview_image_url to a message record (as custom data,
// so they are part of its JSON), with token when it is not "". messages.Decorate calls it without a
// token; per-viewer answers call SignURLs.
func SetURLs(msg *core.Record, token string) {
	a, t, p := URLs(msg, token)
	msg.WithCustomData(true)
	msg.Set(FieldAttachmentURL, a)
	msg.Set(FieldThumbURL, t)
	msg.Set(FieldPreviewImageURL, p)
}

// FileToken makes a fresh file token (3 minutes) for viewer; "" when viewer is nil or the token
// cannot be made (the URLs then carry no token and the client adds its own).
func FileToken(viewer *core.Record) string {
	if viewer == nil {
		return ""
	}
	tok, err := viewer.NewFileToken()
	if err != nil {
		return ""
	}
	return tok
}

// SignURLs sets the URL fields of messages for one viewer: one fresh file token of viewer for all of
// them. Call it on answers made for a single user (history, changes, search, the bot API), after
// messages.Decorate.
//
// Example:
//
//	page, err := messages.History(e.App, roomID, before, after, limit)
//	...
//	attachments.SignURLs(page.Items, e.Auth)
func SignURLs(msgs []*core.Record, viewer *core.Record) {
	if len(msgs) == 0 {
		return
	}
	token := FileToken(viewer)
	for _, m := range msgs {
		SetURLs(m, token)
	}
}
