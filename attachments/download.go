package attachments

import (
	"mime"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// FileCSP is the Content-Security-Policy of every served file: no script, no plugins, a sandboxed
// document even if a browser renders one.
const FileCSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"

// Register binds the file side of Campfire: the upload limit (applied to the messages.attachment
// field and checked against Content-Length on the record routes when the server starts) and the
// download policy of every file PocketBase serves.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfireUploads",
		Func: func(se *core.ServeEvent) error {
			if _, _, err := LimitFromEnv(); err != nil {
				se.App.Logger().Warn("ignoring the upload limit from the environment", "error", err)
			}
			if err := ApplyUploadLimit(se.App); err != nil {
				se.App.Logger().Error("apply the upload limit", "error", err)
			}
			se.Router.Bind(uploadLimitMiddleware())
			return se.Next()
		},
	})

	app.OnFileDownloadRequest().Bind(&hook.Handler[*core.FileDownloadRequestEvent]{
		Id:   "campfireDownloadPolicy",
		Func: applyDownloadPolicy,
	})
}

// applyDownloadPolicy sets the headers of a file answer before PocketBase serves it (PocketBase only
// sets the headers we leave unset):
//
//   - Content-Type is the type sniffed from the stored bytes when that type is InlineSafe (raster
//     images, audio, video), and application/octet-stream otherwise, whatever the file's extension
//     (PocketBase would otherwise serve a *.svg as image/svg+xml and a *.js as text/javascript);
//   - Content-Disposition is inline only for InlineSafe types without ?download=1, else attachment,
//     with the cleaned original name of a message attachment as the file name;
//   - a sandboxing Content-Security-Policy, nosniff, and for protected files a private cache and a
//     same-origin resource policy (their URLs carry a user's token).
func applyDownloadPolicy(e *core.FileDownloadRequestEvent) error {
	h := e.Response.Header()
	contentType := servedType(e)
	inline := InlineSafe(contentType)
	if download, _ := strconv.ParseBool(e.Request.URL.Query().Get("download")); download {
		inline = false
	}

	if inline {
		h.Set("Content-Type", contentType)
	} else {
		h.Set("Content-Type", "application/octet-stream")
	}
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	h.Set("Content-Disposition", contentDisposition(disposition, downloadName(e)))
	h.Set("Content-Security-Policy", FileCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	if e.FileField != nil && e.FileField.Protected {
		h.Set("Cache-Control", "private, max-age=86400")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
	}
	return e.Next()
}

// servedType is the stored (sniffed at upload) media type of the file about to be served, or "" when
// it cannot be read (then the file is served as a download).
func servedType(e *core.FileDownloadRequestEvent) string {
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return ""
	}
	defer fsys.Close()
	attrs, err := fsys.Attributes(e.ServedPath)
	if err != nil {
		return ""
	}
	return BaseType(attrs.ContentType)
}

// downloadName is the name a saved file gets: a message attachment's cleaned original name, else the
// served (PocketBase-normalized) name.
func downloadName(e *core.FileDownloadRequestEvent) string {
	if e.Record != nil && e.FileField != nil && e.FileField.Name == "attachment" &&
		e.Record.Collection().Name == "messages" && e.ServedName == e.Record.GetString("attachment") {
		if name := e.Record.GetString("attachment_name"); name != "" {
			return name
		}
	}
	return e.ServedName
}

// contentDisposition formats the header with the RFC 2231 filename* form for non-ASCII names.
func contentDisposition(disposition, name string) string {
	name = CleanName(name)
	if v := mime.FormatMediaType(disposition, map[string]string{"filename": name}); v != "" {
		return v
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return disposition + `; filename="` + ascii + `"`
}
