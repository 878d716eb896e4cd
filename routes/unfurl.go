package routes

import (
	"context"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/pocketcampfire/campfire/previews"
)

// unfurlBudget bounds one composer preview (page and image).
const unfurlBudget = 10 * time.Second

// bindUnfurl: POST /api/campfire/unfurl {url} → 200 {title, description, url, image} or 204 when
// there is no preview (none on the page, the page failed to load, or the guard refused the address:
// the answer does not say which). 400 for a URL that is not http(s). `image` is a data: URL of the
// server's own re-encoded copy of the page's image ("" without one): the composer never loads a
// third-party URL.
func bindUnfurl(g *router.RouterGroup[*core.RequestEvent]) {
	g.POST("/unfurl", func(e *core.RequestEvent) error {
		body := struct {
			URL string `json:"url"`
		}{}
		if err := e.BindBody(&body); err != nil {
			return e.BadRequestError("Invalid body.", err)
		}
		u, err := previews.NormalizeURL(body.URL)
		if err != nil {
			return e.BadRequestError("The link to preview must be an http or https URL.", nil)
		}
		ctx, cancel := context.WithTimeout(e.Request.Context(), unfurlBudget)
		defer cancel()
		card, err := previews.For(e.App).Card(ctx, u)
		if err != nil || card == nil {
			return e.NoContent(http.StatusNoContent)
		}
		return e.JSON(http.StatusOK, map[string]string{
			"title":       card.Title,
			"description": card.Description,
			"url":         card.URL,
			"image":       card.ImageDataURL(),
		})
	})
}
