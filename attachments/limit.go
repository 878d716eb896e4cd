package attachments

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// DefaultUploadLimit is the largest attachment accepted unless configured otherwise.
const DefaultUploadLimit int64 = 50 << 20

// EnvUploadLimit names the environment variable that sets the upload limit in megabytes (MiB); a Go
// program calls SetUploadLimit, which wins over it.
const EnvUploadLimit = "CAMPFIRE_UPLOAD_LIMIT_MB"

// MaxUploadLimit bounds the configurable limit (100 GB): beyond it a value is a typo.
const MaxUploadLimit int64 = 100 << 30

// bodySlack is what a multipart upload may carry besides the file (boundaries, headers, the other
// fields) before the Content-Length check answers 413.
const bodySlack int64 = 1 << 20

const limitKey = "campfire.uploadLimit"

// SetUploadLimit sets the upload limit of app in bytes (at most MaxUploadLimit; <= 0 restores the
// default). Call it before the server starts: the limit is applied to the messages.attachment field
// and to the upload routes when the server starts (ApplyUploadLimit).
func SetUploadLimit(app core.App, bytes int64) {
	if bytes <= 0 {
		app.Store().Remove(limitKey)
		return
	}
	if bytes > MaxUploadLimit {
		bytes = MaxUploadLimit
	}
	app.Store().Set(limitKey, bytes)
}

// configKey is where package config keeps an app's runtime configuration (flags and CAMPFIRE_*
// variables of the binary); read through an interface so this package does not depend on it.
const configKey = "campfire.config"

// UploadLimit returns app's upload limit in bytes: SetUploadLimit's value, else the app's runtime
// configuration (package config: the --uploadLimit flag or CAMPFIRE_UPLOAD_LIMIT_MB of the binary),
// else the environment variable CAMPFIRE_UPLOAD_LIMIT_MB, else DefaultUploadLimit.
func UploadLimit(app core.App) int64 {
	if v, ok := app.Store().Get(limitKey).(int64); ok && v > 0 {
		return v
	}
	if c, ok := app.Store().Get(configKey).(interface{ UploadLimit() int64 }); ok && c != nil {
		if v := c.UploadLimit(); v > 0 {
			return min(v, MaxUploadLimit)
		}
	}
	if v, ok, _ := LimitFromEnv(); ok {
		return v
	}
	return DefaultUploadLimit
}

// LimitFromEnv reads CAMPFIRE_UPLOAD_LIMIT_MB: ok is false when it is unset, err says why a set value
// is unusable (then the default applies).
func LimitFromEnv() (limit int64, ok bool, err error) {
	raw := strings.TrimSpace(os.Getenv(EnvUploadLimit))
	if raw == "" {
		return 0, false, nil
	}
	return ParseLimitMB(raw)
}

// ParseLimitMB parses a limit in megabytes: a whole number from 1 to MaxUploadLimit/1 MiB.
func ParseLimitMB(raw string) (int64, bool, error) {
	mb, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || mb < 1 || mb > MaxUploadLimit>>20 {
		return 0, false, fmt.Errorf("%s=%q: want a whole number of megabytes from 1 to %d", EnvUploadLimit, raw, MaxUploadLimit>>20)
	}
	return mb << 20, true, nil
}

// ApplyUploadLimit sets the messages.attachment field's MaxSize to the upload limit (PocketBase's
// body limit for the record routes follows the collection's file sizes). It runs when the server
// starts; call it yourself when saving messages outside a served app with a non-default limit.
func ApplyUploadLimit(app core.App) error {
	col, err := app.FindCollectionByNameOrId("messages")
	if err != nil {
		return fmt.Errorf("find messages: %w", err)
	}
	f, ok := col.Fields.GetByName("attachment").(*core.FileField)
	if !ok {
		return fmt.Errorf("messages has no attachment file field")
	}
	limit := UploadLimit(app)
	if f.MaxSize == limit {
		return nil
	}
	f.MaxSize = limit
	if err := app.Save(col); err != nil {
		return fmt.Errorf("save messages attachment limit: %w", err)
	}
	return nil
}

// uploadLimitMiddleware answers 413 with a clear message when a create or update of messages
// announces (Content-Length) a body larger than the upload limit allows, before anything is read.
// Bodies without a length are bounded by PocketBase's own body limit for the route (a plain 413) and
// the field's MaxSize (a 400).
func uploadLimitMiddleware() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "campfireUploadLimit",
		Priority: apis.DefaultBodyLimitMiddlewarePriority - 1,
		Func: func(e *core.RequestEvent) error {
			if (e.Request.Method == http.MethodPost || e.Request.Method == http.MethodPatch) &&
				strings.HasPrefix(e.Request.URL.Path, "/api/collections/") && e.Request.ContentLength > 0 {
				if name := e.Request.PathValue("collection"); name != "" {
					if col, err := e.App.FindCachedCollectionByNameOrId(name); err == nil && col.Name == "messages" {
						limit := UploadLimit(e.App)
						if e.Request.ContentLength > limit+bodySlack {
							return e.Error(http.StatusRequestEntityTooLarge,
								fmt.Sprintf("The file is larger than the upload limit (%s).", FormatSize(limit)), nil)
						}
					}
				}
			}
			return e.Next()
		},
	}
}
