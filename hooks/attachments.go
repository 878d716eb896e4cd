package hooks

import (
	"context"
	"errors"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/config"
	"github.com/pocketcampfire/campfire/events"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/previews"
	"github.com/pocketcampfire/campfire/richtext"
)

// attachmentFields are derived from the uploaded bytes; previewFields from the server's own fetch of
// preview_url. Clients never set either.
var (
	attachmentFields = []string{"attachment_name", "attachment_size", "attachment_type", "attachment_width", "attachment_height"}
	previewFields    = []string{"preview_url", "preview_title", "preview_description", "preview_image"}
)

// previewBudget bounds how long a post waits for its link preview (usually cached: the composer asked
// POST /api/campfire/unfurl first).
const previewBudget = 10 * time.Second

func bindAttachments(app core.App) {
	attachments.Register(app) // the upload limit and the download policy of every served file

	// The request layer (record API), after the dedup check in bindMessages: nothing the client says
	// about the file or the preview is kept; a preview_url is fetched by the server, outside the write
	// transaction.
	app.OnRecordCreateRequest("messages").BindFunc(func(e *core.RecordRequestEvent) error {
		for _, f := range attachmentFields {
			e.Record.Set(f, nil)
		}
		if len(e.Record.GetUnsavedFiles("attachment")) > 0 {
			// the web app's contract: a file is a message of its own, its text another one
			if hasText(e.Record.GetString("body")) {
				return attachmentError(attachments.ErrTextWithFile)
			}
			previews.Clear(e.Record)
			return e.Next()
		}
		if e.Record.GetString("preview_url") == "" || !config.Get(e.App).Enabled(config.Previews) {
			previews.Clear(e.Record)
			return e.Next()
		}
		ctx, cancel := context.WithTimeout(e.Request.Context(), previewBudget)
		defer cancel()
		if err := previews.For(e.App).Apply(ctx, e.Record); err != nil {
			return badRequest("Failed to create record.", err)
		}
		return e.Next()
	})

	// The model layer, for every source, before messages.Prepare and the write transaction: the
	// upload is checked and described from its bytes.
	app.OnRecordCreate("messages").Bind(&hook.Handler[*core.RecordEvent]{
		Id:       "campfireInspectAttachment",
		Priority: -10, // before campfirePostMessage (Prepare uses the cleaned name as plain text)
		Func: func(e *core.RecordEvent) error {
			if err := inspectAttachment(e.App, e.Record); err != nil {
				return err
			}
			return e.Next()
		},
	})

	// Search finds a file by its name, also when another source (the bot API) gave it a caption.
	events.For(app).MessagePosting.BindFunc(func(e *events.MessageEvent) error {
		msg := e.Message
		name := msg.GetString("attachment_name")
		if name != "" && msg.GetString("kind") == messages.KindAttachment && !strings.Contains(msg.GetString("plain"), name) {
			msg.Set("plain", strings.TrimSpace(msg.GetString("plain")+"\n"+name))
		}
		return e.Next()
	})

	// Attachment messages are not edited (the update rule); no edit touches files or previews.
	app.OnRecordUpdateRequest("messages").BindFunc(func(e *core.RecordRequestEvent) error {
		keepOriginal(e.Record, attachmentFields...)
		keepOriginal(e.Record, previewFields...)
		return e.Next()
	})

	// A tombstone keeps nothing of the file or the card (PocketBase deletes the removed files).
	app.OnRecordUpdate("messages").BindFunc(func(e *core.RecordEvent) error {
		if messages.IsDeleted(e.Record) {
			for _, f := range attachmentFields {
				e.Record.Set(f, nil)
			}
			e.Record.Set("attachment", nil)
			previews.Clear(e.Record)
		}
		return e.Next()
	})

	// Record API answers (and PocketBase's own record subscriptions) carry file URLs with a fresh file
	// token of the caller.
	app.OnRecordEnrich("messages").BindFunc(func(e *core.RecordEnrichEvent) error {
		var viewer *core.Record
		if e.RequestInfo != nil {
			viewer = e.RequestInfo.Auth
		}
		attachments.SetURLs(e.Record, attachments.FileToken(viewer))
		return e.Next()
	})
}

// inspectAttachment refuses uploads the server does not take (more than one file, over the upload
// limit, empty, a pixel flood, an unreadable image) and otherwise sets the
// attachment fields from the bytes. The file's OriginalName becomes the cleaned name, so the plain
// text (search) and the stored metadata never see the raw one.
func inspectAttachment(app core.App, msg *core.Record) error {
	files := msg.GetUnsavedFiles("attachment")
	if len(files) == 0 {
		if msg.GetString("attachment") == "" {
			for _, f := range attachmentFields {
				msg.Set(f, nil)
			}
		}
		return nil
	}
	if len(files) > 1 {
		return attachmentError(attachments.ErrTooManyFiles)
	}
	file := files[0]
	if limit := attachments.UploadLimit(app); file.Size > limit {
		return attachmentError(attachments.ErrTooLarge(limit))
	}
	info, err := attachments.Inspect(file)
	if err != nil {
		return attachmentError(err)
	}
	file.OriginalName = info.Name
	msg.Set("attachment_name", info.Name)
	msg.Set("attachment_size", info.Size)
	msg.Set("attachment_type", info.Type)
	msg.Set("attachment_width", info.Width)
	msg.Set("attachment_height", info.Height)
	previews.Clear(msg) // a file message carries no link card
	return nil
}

// hasText reports whether a raw body has any text once sanitized.
func hasText(raw string) bool {
	if strings.TrimSpace(raw) == "" {
		return false
	}
	return len(raw) > messages.MaxRawBodyBytes || !richtext.Prepare(raw, nil).Blank
}

// attachmentError is a 400 whose message says what is wrong with the file.
func attachmentError(err error) error {
	var verr validation.Error
	if errors.As(err, &verr) {
		return apis.NewBadRequestError(verr.Message(), validation.Errors{"attachment": verr})
	}
	return apis.NewBadRequestError("The file could not be read.", err)
}

// badRequest is a 400 with msg, or with the message of a single validation error.
func badRequest(msg string, err error) error {
	var errs validation.Errors
	if errors.As(err, &errs) && len(errs) == 1 {
		for _, fe := range errs {
			var verr validation.Error
			if errors.As(fe, &verr) {
				return apis.NewBadRequestError(verr.Message(), errs)
			}
		}
	}
	return apis.NewBadRequestError(msg, err)
}
