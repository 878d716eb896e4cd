package main

// A switch for the browser tests (e2e/): hidden like the benchmark's, an environment variable only.
//
//	CAMPFIRE_E2E_LOOPBACK=1  bot webhooks and link previews may reach exactly 127.0.0.1 (and ::1 for
//	                         previews), so the browser tests can run a local bot and a local page.
//	                         Production servers never set it: the SSRF guard refuses loopback.

import (
	"os"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/previews"
)

func e2eSwitches(app core.App) {
	if os.Getenv("CAMPFIRE_E2E_LOOPBACK") != "1" {
		return
	}
	bots.Configure(app, bots.Options{AllowLoopback: true})
	previews.AllowLoopbackForTests(app)
}
