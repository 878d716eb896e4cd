package commands

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/pocketcampfire/campfire/accounts"
	_ "github.com/pocketcampfire/campfire/collections" // the schema the admin commands read
)

// newAdminCommand is `campfire admin`: user administration without the web app (password recovery
// when nobody can hand out a sign-in link, a list of users). Its commands run every pending migration
// first, so they work on a fresh or older data directory (Bootstrap runs only PocketBase's own).
func newAdminCommand(app *pocketbase.PocketBase) *cobra.Command {
	admin := &cobra.Command{
		Use:   "admin",
		Short: "Administer Campfire users (reset-password, users)",
	}
	admin.AddCommand(&cobra.Command{
		Use:   "reset-password <email>",
		Short: "Set a user's password (asked for on the terminal, or read as one line from stdin)",
		Long: "Set the password of the user with this email. On a terminal the password is asked for twice\n" +
			"without echo; otherwise the first line of stdin is the password:\n\n" +
			"  echo 'new password' | campfire admin reset-password ada@example.com\n\n" +
			"The user's other sessions are signed out.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations: %w", err)
			}
			password, err := readNewPassword(cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return ResetPassword(app, args[0], password, cmd.OutOrStdout())
		},
	})
	admin.AddCommand(&cobra.Command{
		Use:   "users",
		Short: "List every user: name, email, role, status, id",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations: %w", err)
			}
			return ListUsers(app, cmd.OutOrStdout())
		},
	})
	return admin
}

// ResetPassword sets the password of the user with email and reports it to out.
func ResetPassword(app core.App, email, password string, out io.Writer) error {
	u, err := accounts.SetPassword(app, email, password)
	if errors.Is(err, accounts.ErrNoSuchUser) {
		return fmt.Errorf("no user has the email %q", email)
	}
	if err != nil {
		return fmt.Errorf("the password was not changed: %w", err)
	}
	fmt.Fprintf(out, "Changed the password of %s <%s>; their other sessions are signed out.\n", u.GetString("name"), u.Email())
	if status := u.GetString("status"); status != accounts.StatusActive {
		fmt.Fprintf(out, "Note: this user is %s and cannot sign in until an administrator changes that.\n", status)
	}
	return nil
}

// ListUsers writes a table of every user, oldest first.
func ListUsers(app core.App, out io.Writer) error {
	users, err := app.FindRecordsByFilter("users", "", "created", 0, 0)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tEMAIL\tROLE\tSTATUS\tID\tCREATED")
	for _, u := range users {
		email := u.Email()
		if email == "" {
			email = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.GetString("name"), email, u.GetString("role"),
			u.GetString("status"), u.Id, u.GetDateTime("created").Time().Format("2006-01-02 15:04"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(out, "(no users yet: open the web app to set up the account)")
	}
	return nil
}

// readNewPassword asks twice without echo on a terminal; otherwise it reads the first line of in.
func readNewPassword(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(prompt, "New password: ")
		first, err := readHidden(f)
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		fmt.Fprint(prompt, "Repeat the new password: ")
		second, err := readHidden(f)
		fmt.Fprintln(prompt)
		if err != nil {
			return "", err
		}
		if first != second {
			return "", errors.New("the passwords do not match")
		}
		return first, nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on stdin (give it as the first line)")
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", errors.New("the password is empty")
	}
	return password, nil
}

// readLine reads one line from f byte by byte (no buffering past the newline).
func readLine(f *os.File) (string, error) {
	var sb strings.Builder
	b := make([]byte, 1)
	for {
		n, err := f.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimRight(sb.String(), "\r"), nil
			}
			sb.WriteByte(b[0])
		}
		if err != nil {
			if errors.Is(err, io.EOF) && sb.Len() > 0 {
				return strings.TrimRight(sb.String(), "\r"), nil
			}
			return "", err
		}
	}
}
