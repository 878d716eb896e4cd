package collections

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Fields this migration adds to messages. All are server-owned: hooks/attachments.go derives the
// attachment_* fields from the uploaded bytes and the preview_* fields from the server's own fetch of
// preview_url; nothing a client sends for them is kept.
const (
	// AttachmentName is the uploader's file name, cleaned (no path, no control or bidi characters),
	// shown to users and used as the download name. The stored file (messages.attachment) has
	// PocketBase's own safe name with a random suffix.
	AttachmentName = "attachment_name"
	// AttachmentSize is the file's size in bytes.
	AttachmentSize = "attachment_size"
	// AttachmentType is the media type sniffed from the bytes (never the client's Content-Type).
	AttachmentType = "attachment_type"
	// AttachmentWidth and AttachmentHeight are an image's pixel size (0 for other files).
	AttachmentWidth  = "attachment_width"
	AttachmentHeight = "attachment_height"

	// PreviewURL is the link the card points to (the URL the poster gave, checked to be http(s)).
	PreviewURL = "preview_url"
	// PreviewTitle and PreviewDescription are plain text fetched by the server.
	PreviewTitle       = "preview_title"
	PreviewDescription = "preview_description"
	// PreviewImage is the page's image, downloaded once through the SSRF guard, re-encoded and stored
	// as our own protected file.
	PreviewImage = "preview_image"
)

func init() {
	m.Register(upAttachments, downAttachments, "1764000400_attachments.go")
}

func upAttachments(app core.App) error {
	messages, err := app.FindCollectionByNameOrId("messages")
	if err != nil {
		return fmt.Errorf("find messages: %w", err)
	}
	messages.Fields.Add(
		&core.TextField{Name: AttachmentName, Max: 255},
		&core.NumberField{Name: AttachmentSize, OnlyInt: true},
		&core.TextField{Name: AttachmentType, Max: 255},
		&core.NumberField{Name: AttachmentWidth, OnlyInt: true},
		&core.NumberField{Name: AttachmentHeight, OnlyInt: true},
		&core.TextField{Name: PreviewURL, Max: 2048},
		&core.TextField{Name: PreviewTitle, Max: 300},
		&core.TextField{Name: PreviewDescription, Max: 1000},
		// protected like the attachment: a card belongs to its room, so only members load its image
		&core.FileField{Name: PreviewImage, MaxSelect: 1, MaxSize: 5 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png"}},
	)
	if err := app.Save(messages); err != nil {
		return fmt.Errorf("save messages attachment fields: %w", err)
	}
	return nil
}

func downAttachments(app core.App) error {
	messages, err := app.FindCollectionByNameOrId("messages")
	if err != nil {
		return nil
	}
	for _, name := range []string{AttachmentName, AttachmentSize, AttachmentType, AttachmentWidth,
		AttachmentHeight, PreviewURL, PreviewTitle, PreviewDescription, PreviewImage} {
		messages.Fields.RemoveByName(name)
	}
	return app.Save(messages)
}
