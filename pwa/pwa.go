// Package pwa serves what makes the web app installable: the web app manifest at
// /manifest.webmanifest, built from the account's name and logo, and the fallback icons drawn by
// tools/icongen (package assets) at /icons/*. The service worker itself is a static file of the web
// app (frontend/public/sw.js).
package pwa

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/pocketcampfire/campfire/accounts"
	"github.com/pocketcampfire/campfire/assets"
)

// ContentType is the manifest's media type.
const ContentType = "application/manifest+json"

// Colours of the app chrome, matching the web app's backgrounds in light and dark mode.
const (
	LightBackground = "#fbfaf8"
	DarkBackground  = "#1b1a18"
)

// Shortcut paths, opened from the installed app's icon menu (the web app routes them).
const (
	ShortcutNewRoom = "/?open=new-room"
	ShortcutProfile = "/?open=profile"
)

// Register serves the manifest and the fallback icons.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "campfirePWA",
		Func: func(se *core.ServeEvent) error {
			se.Router.GET("/manifest.webmanifest", serveManifest)
			se.Router.GET("/icons/{file}", serveIcon)
			return se.Next()
		},
	})
}

// Icon is a manifest image resource.
type Icon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes,omitempty"`
	Type    string `json:"type,omitempty"`
	Purpose string `json:"purpose,omitempty"`
}

// Shortcut is a manifest shortcut.
type Shortcut struct {
	Name      string `json:"name"`
	ShortName string `json:"short_name,omitempty"`
	URL       string `json:"url"`
	Icons     []Icon `json:"icons,omitempty"`
}

// Colors is a set of themeable members.
type Colors struct {
	ThemeColor      string `json:"theme_color"`
	BackgroundColor string `json:"background_color"`
}

// Manifest is the web app manifest.
type Manifest struct {
	ID              string     `json:"id"`
	Name            string     `json:"name"`
	ShortName       string     `json:"short_name"`
	Description     string     `json:"description"`
	Lang            string     `json:"lang"`
	StartURL        string     `json:"start_url"`
	Scope           string     `json:"scope"`
	Display         string     `json:"display"`
	ThemeColor      string     `json:"theme_color"`
	BackgroundColor string     `json:"background_color"`
	ColorSchemeDark Colors     `json:"color_scheme_dark"` // w3c/manifest#1207
	UserPreferences any        `json:"user_preferences"`  // the earlier Chromium incubation of the same
	Icons           []Icon     `json:"icons"`
	Shortcuts       []Shortcut `json:"shortcuts"`
	Categories      []string   `json:"categories"`
}

// Build returns the manifest for the app's account: its name and, when it has a logo, the logo's
// 192x192 and 512x512 thumbs (also as the maskable icon); otherwise our own icons.
func Build(app core.App) Manifest {
	name, logo := accounts.DefaultName, ""
	if acc, err := accounts.Find(app); err == nil {
		if n := strings.TrimSpace(acc.GetString("name")); n != "" {
			name = n
		}
		if f := acc.GetString("logo"); f != "" {
			logo = "/api/files/" + acc.Collection().Id + "/" + acc.Id + "/" + f
		}
	}
	var icons []Icon
	if logo != "" {
		icons = []Icon{
			{Src: logo + "?thumb=192x192", Sizes: "192x192", Purpose: "any"},
			{Src: logo + "?thumb=512x512", Sizes: "512x512", Purpose: "any"},
			{Src: logo + "?thumb=512x512", Sizes: "512x512", Purpose: "maskable"},
		}
	} else {
		icons = []Icon{
			{Src: "/icons/icon-192.png", Sizes: "192x192", Type: "image/png", Purpose: "any"},
			{Src: "/icons/icon-512.png", Sizes: "512x512", Type: "image/png", Purpose: "any"},
			{Src: "/icons/maskable-192.png", Sizes: "192x192", Type: "image/png", Purpose: "maskable"},
			{Src: "/icons/maskable-512.png", Sizes: "512x512", Type: "image/png", Purpose: "maskable"},
		}
	}
	shortcutIcon := []Icon{{Src: "/icons/icon-192.png", Sizes: "192x192", Type: "image/png"}}
	dark := Colors{ThemeColor: DarkBackground, BackgroundColor: DarkBackground}
	return Manifest{
		ID:              "/",
		Name:            name,
		ShortName:       shortName(name),
		Description:     "Team chat for " + name + ".",
		Lang:            "en",
		StartURL:        "/",
		Scope:           "/",
		Display:         "standalone",
		ThemeColor:      LightBackground,
		BackgroundColor: LightBackground,
		ColorSchemeDark: dark,
		UserPreferences: map[string]any{"color_scheme": map[string]any{
			"light": Colors{ThemeColor: LightBackground, BackgroundColor: LightBackground},
			"dark":  dark,
		}},
		Icons: icons,
		Shortcuts: []Shortcut{
			{Name: "New room", URL: ShortcutNewRoom, Icons: shortcutIcon},
			{Name: "My profile", ShortName: "Profile", URL: ShortcutProfile, Icons: shortcutIcon},
		},
		Categories: []string{"business", "productivity", "social"},
	}
}

// shortName fits a name under a home-screen icon: the whole name up to 12 characters, else its first
// word when that fits, else its first 12 characters.
func shortName(name string) string {
	if utf8.RuneCountInString(name) <= 12 {
		return name
	}
	if first, _, ok := strings.Cut(name, " "); ok && first != "" && utf8.RuneCountInString(first) <= 12 {
		return first
	}
	r := []rune(name)
	return strings.TrimSpace(string(r[:12]))
}

func serveManifest(e *core.RequestEvent) error {
	data, err := json.Marshal(Build(e.App))
	if err != nil {
		return e.InternalServerError("", err)
	}
	// the account's name and logo can change at any time: always revalidate
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.Blob(http.StatusOK, ContentType, data)
}

func serveIcon(e *core.RequestEvent) error {
	name := e.Request.PathValue("file")
	data, err := fs.ReadFile(assets.Icons(), name)
	if err != nil || strings.ContainsAny(name, "/\\") {
		return e.NotFoundError("", nil)
	}
	e.Response.Header().Set("Cache-Control", "public, max-age=86400")
	return e.Blob(http.StatusOK, "image/png", data)
}
