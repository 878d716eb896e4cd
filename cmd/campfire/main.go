// Command campfire is Campfire on PocketBase as one binary: `campfire serve` starts the chat.
package main

import (
	"log"

	"github.com/pocketcampfire/campfire"
)

func main() {
	if runBaseline() { // benchmark harness only (bench.go)
		return
	}
	app := campfire.New()
	benchSwitches(app) // benchmark harness only, off unless its environment variables are set
	e2eSwitches(app)   // browser tests only, off unless CAMPFIRE_E2E_LOOPBACK=1 (e2e.go)
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
