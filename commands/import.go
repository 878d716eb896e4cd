package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"github.com/pocketcampfire/campfire/importer"
)

// newImportCommand is `campfire import`: bring another chat's data in. Its one source so far is a
// ONCE Campfire (`campfire import once-campfire <path>`).
func newImportCommand(app *pocketbase.PocketBase) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import another chat's data (once-campfire)",
	}

	var filesDir string
	var batch int
	var quiet bool
	once := &cobra.Command{
		Use:   "once-campfire <storage dir | database file>",
		Short: "Import a ONCE Campfire (37signals) with its users, passwords, rooms, messages, files, boosts and bots",
		Long: `Import a ONCE Campfire into this Campfire: the account (name, logo), users with their passwords
(everyone signs in with their old password), roles and statuses, rooms (open, closed, direct),
memberships with their notification settings, every message in its original order and time (mentions,
link cards, files, /play sounds), boosts, bots (their keys and webhook URLs keep working, old bot URLs
included) and bans.

Give Campfire's storage directory (the volume mounted at /rails/storage, holding db/production.sqlite3
and files/), the Rails root, or the SQLite file itself (its files are then looked for in ../files, or
give --files). The source is only read, never written: stop Campfire first, or import a backup copy.

The import is idempotent and resumable: run it again and nothing is duplicated; interrupt it (Ctrl-C)
and the next run continues after the last committed batch. Progress goes to stderr, the summary (with
everything that could not be converted as is, and why) to stdout.

  campfire import once-campfire /var/lib/once/campfire/storage`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations: %w", err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var progress io.Writer = os.Stderr // PocketBase silences cobra's error writer
			if quiet {
				progress = nil
			}
			rep, err := importer.OnceCampfire(app, importer.Options{
				Path: args[0], FilesDir: filesDir, BatchSize: batch, Progress: progress, Context: ctx,
			})
			if rep != nil && rep.Database != "" {
				rep.WriteSummary(c.OutOrStdout())
			}
			if errors.Is(err, context.Canceled) {
				return errors.New("import interrupted: what was committed stays; run the same command again to continue")
			}
			return err
		},
	}
	once.Flags().StringVar(&filesDir, "files", "", "ActiveStorage's files directory (default: found next to the database)")
	once.Flags().IntVar(&batch, "batch", importer.DefaultBatchSize, "rows per transaction")
	once.Flags().BoolVar(&quiet, "quiet", false, "no progress bar")
	cmd.AddCommand(once)
	return cmd
}
