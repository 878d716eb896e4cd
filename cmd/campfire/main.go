// Command campfire is Campfire on PocketBase as one binary: `campfire serve` starts the chat.
package main

import (
	"log"

	"github.com/pocketcampfire/campfire"
)

func main() {
	if err := campfire.New().Start(); err != nil {
		log.Fatal(err)
	}
}
