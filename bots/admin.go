package bots

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The admin routes (SPEC §5), for Campfire administrators (and PocketBase superusers):
//
//	GET    /api/campfire/bots                   → {items: [bot]}
//	POST   /api/campfire/bots                   {name, webhook_url?} → bot + key (shown once)
//	GET    /api/campfire/bots/{id}              → bot
//	PATCH  /api/campfire/bots/{id}              {name?, webhook_url?} → bot
//	DELETE /api/campfire/bots/{id}              → 204 (deactivates)
//	POST   /api/campfire/bots/{id}/key          → bot + key (the old key dies)
//	GET    /api/campfire/bots/{id}/deliveries   → {items: [delivery]} newest first

// MaxDeliveriesListed bounds the deliveries route.
const MaxDeliveriesListed = 100

func bindAdmin(r *router.Router[*core.RequestEvent]) {
	g := r.Group("/api/campfire/bots")
	g.Bind(apis.RequireAuth("users", core.CollectionNameSuperusers), requireAdmin())
	g.GET("", adminList)
	g.POST("", adminCreate)
	g.GET("/{id}", adminView)
	g.PATCH("/{id}", adminUpdate)
	g.DELETE("/{id}", adminDelete)
	g.POST("/{id}/key", adminKey)
	g.GET("/{id}/deliveries", adminDeliveries)
}

func requireAdmin() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "campfireRequireBotAdmin",
		Func: func(e *core.RequestEvent) error {
			if e.HasSuperuserAuth() {
				return e.Next()
			}
			if e.Auth == nil || e.Auth.GetString("status") != StatusActive {
				return e.UnauthorizedError("The request requires a signed-in, active user.", nil)
			}
			if e.Auth.GetString("role") != "administrator" {
				return e.ForbiddenError("Only administrators manage bots.", nil)
			}
			return e.Next()
		},
	}
}

type botForm struct {
	Name       *string `json:"name"`
	WebhookURL *string `json:"webhook_url"`
}

func (f *botForm) check(e *core.RequestEvent) error {
	if f.Name != nil {
		name, err := CheckName(*f.Name)
		if err != nil {
			return e.BadRequestError(ErrName.Error(), nil)
		}
		f.Name = &name
	}
	if f.WebhookURL != nil {
		opts, _, _ := stateFor(e.App).snapshot()
		u, err := CheckWebhookURL(*f.WebhookURL, opts.AllowLoopback)
		if err != nil {
			return e.BadRequestError(ErrWebhookURL.Error(), nil)
		}
		f.WebhookURL = &u
	}
	return nil
}

func adminList(e *core.RequestEvent) error {
	list, err := List(e.App)
	if err != nil {
		return e.BadRequestError("Failed to list bots.", err)
	}
	base := baseURL(e.Request)
	items := make([]BotJSON, 0, len(list))
	for _, b := range list {
		items = append(items, botJSON(base, b, ""))
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

func adminCreate(e *core.RequestEvent) error {
	var f botForm
	if err := e.BindBody(&f); err != nil {
		return e.BadRequestError("Invalid body.", err)
	}
	if f.Name == nil {
		return e.BadRequestError(ErrName.Error(), nil)
	}
	if err := f.check(e); err != nil {
		return err
	}
	bot, key, err := Create(e.App, *f.Name, deref(f.WebhookURL))
	if err != nil {
		return e.BadRequestError("Failed to create the bot.", err)
	}
	return e.JSON(http.StatusOK, botJSON(baseURL(e.Request), bot, key))
}

// pathBot loads the active bot of the {id} path value.
func pathBot(e *core.RequestEvent) (*core.Record, error) {
	bot, err := FindActive(e.App, e.Request.PathValue("id"))
	if err != nil {
		return nil, e.NotFoundError("", nil)
	}
	return bot, nil
}

func adminView(e *core.RequestEvent) error {
	bot, err := pathBot(e)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, botJSON(baseURL(e.Request), bot, ""))
}

func adminUpdate(e *core.RequestEvent) error {
	bot, err := pathBot(e)
	if err != nil {
		return err
	}
	var f botForm
	if err := e.BindBody(&f); err != nil {
		return e.BadRequestError("Invalid body.", err)
	}
	if err := f.check(e); err != nil {
		return err
	}
	if err := Update(e.App, bot, Change{Name: f.Name, WebhookURL: f.WebhookURL}); err != nil {
		return e.BadRequestError("Failed to change the bot.", err)
	}
	return e.JSON(http.StatusOK, botJSON(baseURL(e.Request), bot, ""))
}

func adminDelete(e *core.RequestEvent) error {
	bot, err := pathBot(e)
	if err != nil {
		return err
	}
	if err := Deactivate(e.App, bot); err != nil {
		if errors.Is(err, ErrNotFound) {
			return e.NotFoundError("", nil)
		}
		return e.BadRequestError("Failed to deactivate the bot.", err)
	}
	return e.NoContent(http.StatusNoContent)
}

func adminKey(e *core.RequestEvent) error {
	bot, err := pathBot(e)
	if err != nil {
		return err
	}
	key, err := RegenerateKey(e.App, bot)
	if err != nil {
		return e.BadRequestError("Failed to make a new key.", err)
	}
	return e.JSON(http.StatusOK, botJSON(baseURL(e.Request), bot, key))
}

func adminDeliveries(e *core.RequestEvent) error {
	bot, err := Find(e.App, e.Request.PathValue("id")) // deactivated bots' history stays readable
	if err != nil {
		return e.NotFoundError("", nil)
	}
	limit := MaxDeliveriesListed
	if s := e.Request.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return e.BadRequestError("limit is a positive integer.", nil)
		}
		limit = min(n, MaxDeliveriesListed)
	}
	items := []DeliveryJSON{}
	err = e.App.DB().Select("id", "message", "webhook_id", "attempt", "status", "duration", "error", "final", "created").
		From("webhook_deliveries").Where(dbx.HashExp{"bot": bot.Id}).
		OrderBy("created DESC", "attempt DESC", "id DESC").Limit(int64(limit)).All(&items)
	if err != nil {
		return e.BadRequestError("Failed to list deliveries.", err)
	}
	for i := range items {
		if dt, err := types.ParseDateTime(items[i].Created); err == nil {
			items[i].Created = timeJSON(dt)
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
