package main // Campfire embedded in your own program, with a route of its own: go run ./examples/embed serve

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketcampfire/campfire"
	"log"
	"net/http"
)

func main() {
	app := campfire.New()
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/hello", func(e *core.RequestEvent) error { return e.String(http.StatusOK, "Hello from my Campfire!\n") })
		return se.Next()
	})
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
