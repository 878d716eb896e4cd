package routes

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/attachments"
)

// VAPIDPublicKey returns the web push public key for status; the push area sets it.
var VAPIDPublicKey = func(app core.App) string { return "" }

func bindStatus(g *router.RouterGroup[*core.RequestEvent]) {
	g.GET("/status", func(e *core.RequestEvent) error {
		out := map[string]any{
			"setup_required":   true,
			"account":          map[string]any{"name": accounts.DefaultName, "logo_url": ""},
			"version":          Version,
			"vapid_public_key": VAPIDPublicKey(e.App),
			"upload_limit":     attachments.UploadLimit(e.App), // bytes: the largest attachment
		}
		if acc, err := accounts.Find(e.App); err == nil {
			out["setup_required"] = false
			logo := ""
			if f := acc.GetString("logo"); f != "" {
				logo = "/api/files/" + acc.Collection().Id + "/" + acc.Id + "/" + f
			}
			out["account"] = map[string]any{"name": acc.GetString("name"), "logo_url": logo}
		}
		return e.JSON(http.StatusOK, out)
	})
}
