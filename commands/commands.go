// Package commands holds Campfire's command-line commands, added to PocketBase's (serve, migrate,
// superuser): seed, version, healthcheck, and the admin and bot commands of their areas.
//
// An area adds its commands with one line in Register:
//
//	app.RootCmd.AddCommand(newAdminCommand(app))
package commands

import (
	"github.com/pocketbase/pocketbase"
)

// NoBootstrap is the annotation of a command that runs without opening the database
// (campfire.App.Start skips PocketBase's bootstrap for it).
const NoBootstrap = "campfire.noBootstrap"

// Register adds Campfire's commands to the app's command line.
func Register(app *pocketbase.PocketBase) {
	app.RootCmd.AddCommand(newSeedCommand(app))
	app.RootCmd.AddCommand(newVersionCommand())
	app.RootCmd.AddCommand(newHealthcheckCommand())
	app.RootCmd.AddCommand(newAdminCommand(app))
	app.RootCmd.AddCommand(newBotsCommand(app))
	app.RootCmd.AddCommand(newImportCommand(app))
}
