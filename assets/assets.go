// Package assets holds files the server embeds: the fallback app icons drawn by tools/icongen
// (a flame on a slate tile) for the web app manifest and notifications.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed icons/*.png
var icons embed.FS

// Icons returns the icons directory: icon-192.png, icon-512.png, maskable-192.png, maskable-512.png
// (full bleed, the flame inside the safe zone) and badge-96.png (a white flame for notification badges).
func Icons() fs.FS {
	sub, err := fs.Sub(icons, "icons")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}
