package commands

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/pocketcampfire/campfire/bots"
)

// newBotsCommand is `campfire bots`: create and list bots and regenerate their keys without the web
// app. Like every data command it runs the pending migrations first.
func newBotsCommand(app *pocketbase.PocketBase) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bots",
		Short: "Manage bots (create, list, key)",
	}
	migrate := func() error {
		if err := app.RunAllMigrations(); err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		return nil
	}

	var webhook string
	create := &cobra.Command{
		Use:   "create <name>",
		Short: "Create a bot and print its key (shown once)",
		Long: "Create a bot, make it a member of every open room, and print its key and webhook signing\n" +
			"secret. The key is not shown again; `campfire bots key` makes a new one.\n\n" +
			"  campfire bots create \"Deploy Bot\" --webhook https://bots.example.com/campfire",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := migrate(); err != nil {
				return err
			}
			return CreateBot(app, args[0], webhook, c.OutOrStdout())
		},
	}
	create.Flags().StringVar(&webhook, "webhook", "", "the bot's webhook URL (http or https)")
	cmd.AddCommand(create)

	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the active bots: id, name, webhook URL",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := migrate(); err != nil {
				return err
			}
			return ListBots(app, c.OutOrStdout())
		},
	})

	cmd.AddCommand(&cobra.Command{
		Use:   "key <bot>",
		Short: "Give a bot (id or name) a new key and print it; the old key stops working",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := migrate(); err != nil {
				return err
			}
			return RegenerateBotKey(app, args[0], c.OutOrStdout())
		},
	})
	return cmd
}

// CreateBot creates a bot and writes its key and signing secret to out.
func CreateBot(app core.App, name, webhookURL string, out io.Writer) error {
	u, err := bots.CheckWebhookURL(webhookURL, false)
	if err != nil {
		return err
	}
	bot, key, err := bots.Create(app, name, u)
	if err != nil {
		return fmt.Errorf("the bot was not created: %w", err)
	}
	fmt.Fprintf(out, "Created bot %s (%s).\n", bot.GetString("name"), bot.Id)
	fmt.Fprintf(out, "Key (shown once): %s\n", key)
	if u != "" {
		fmt.Fprintf(out, "Webhook: %s\n", u)
	}
	fmt.Fprintf(out, "Webhook signing secret: %s\n", bot.GetString("webhook_secret"))
	return nil
}

// ListBots writes a table of the active bots.
func ListBots(app core.App, out io.Writer) error {
	list, err := bots.List(app)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(out, "No bots.")
		return nil
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tWEBHOOK")
	for _, b := range list {
		hook := b.GetString("webhook_url")
		if hook == "" {
			hook = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", b.Id, b.GetString("name"), hook)
	}
	return w.Flush()
}

// RegenerateBotKey gives the bot named or identified by idOrName a new key and writes it to out.
func RegenerateBotKey(app core.App, idOrName string, out io.Writer) error {
	bot, err := bots.FindByIDOrName(app, idOrName)
	if errors.Is(err, bots.ErrNotFound) {
		return fmt.Errorf("no active bot has the id or name %q", idOrName)
	}
	if err != nil {
		return err
	}
	key, err := bots.RegenerateKey(app, bot)
	if err != nil {
		return fmt.Errorf("the key was not changed: %w", err)
	}
	fmt.Fprintf(out, "New key for %s (%s), shown once: %s\n", bot.GetString("name"), bot.Id, key)
	fmt.Fprintln(out, "The old key no longer works.")
	return nil
}
