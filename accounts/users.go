package accounts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/groupcommit"
	"github.com/pocketcampfire/campfire/messages"
	"github.com/pocketcampfire/campfire/rooms"
)

// User statuses (SPEC §2).
const (
	StatusActive      = "active"
	StatusDeactivated = "deactivated"
	StatusBanned      = "banned"
)

// Errors of user administration.
var (
	ErrWrongPassword = errors.New("the password is not correct")
	ErrNoSuchUser    = errors.New("no such user")
)

// Deactivate retires a user: their non-direct memberships, push subscriptions, recent searches and
// pending sign-in links go, every token dies (a new tokenKey), the email is freed so the address can
// sign up again, and the status becomes deactivated. Their messages stay. A PocketBase superuser with
// the same email loses dashboard access too (see revokeDashboard). Realtime connections end after
// commit (hooks/users.go ends them on every status or tokenKey change).
func Deactivate(app core.App, user *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error {
		u, err := tx.FindRecordById("users", user.Id)
		if err != nil {
			return ErrNoSuchUser
		}
		if err := retire(tx, u); err != nil {
			return err
		}
		u.Set("status", StatusDeactivated)
		u.SetEmail("")
		u.SetEmailVisibility(false)
		u.RefreshTokenKey()
		if err := tx.Save(u); err != nil {
			return fmt.Errorf("save deactivated user: %w", err)
		}
		return nil
	})
}

// Ban retires a user like Deactivate but keeps their email (the address cannot sign up again), sets
// the status banned (the users authRule refuses sign-in), records ips in the bans collection, and then
// deletes the user's messages as tombstones through the normal update path, so message.deleted events
// reach every open room. It returns how many messages were deleted.
func Ban(app core.App, user *core.Record, ips []string) (int, error) {
	err := app.RunInTransaction(func(tx core.App) error {
		u, err := tx.FindRecordById("users", user.Id)
		if err != nil {
			return ErrNoSuchUser
		}
		if err := retire(tx, u); err != nil {
			return err
		}
		u.Set("status", StatusBanned)
		u.RefreshTokenKey()
		if err := tx.Save(u); err != nil {
			return fmt.Errorf("save banned user: %w", err)
		}
		return recordBans(tx, u.Id, ips)
	})
	if err != nil {
		return 0, err
	}
	return DeleteMessagesOf(app, user.Id)
}

// Unban lets a banned user sign in again: status active, their banned addresses lifted, every open
// room joined again. Their deleted messages stay deleted. It reports false (and changes nothing) when
// the user is not banned.
func Unban(app core.App, user *core.Record) (bool, error) {
	changed := false
	err := app.RunInTransaction(func(tx core.App) error {
		u, err := tx.FindRecordById("users", user.Id)
		if err != nil {
			return ErrNoSuchUser
		}
		if u.GetString("status") != StatusBanned {
			return nil
		}
		bans, err := tx.FindAllRecords("bans", dbx.HashExp{"user": u.Id})
		if err != nil {
			return fmt.Errorf("find bans: %w", err)
		}
		for _, b := range bans {
			if err := tx.Delete(b); err != nil {
				return fmt.Errorf("lift ban: %w", err)
			}
		}
		u.Set("status", StatusActive)
		if err := tx.Save(u); err != nil {
			return fmt.Errorf("save unbanned user: %w", err)
		}
		if _, err := rooms.JoinOpenRooms(tx, u.Id); err != nil {
			return err
		}
		changed = true
		return nil
	})
	return changed, err
}

// RevokeSessions signs a user out everywhere: a new tokenKey kills every token (auth and file tokens)
// and pending sign-in transfer links are deleted. Realtime connections end after commit.
func RevokeSessions(app core.App, user *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error {
		u, err := tx.FindRecordById("users", user.Id)
		if err != nil {
			return ErrNoSuchUser
		}
		if err := deleteUserRows(tx, "session_transfers", u.Id); err != nil {
			return err
		}
		u.RefreshTokenKey()
		if err := tx.Save(u); err != nil {
			return fmt.Errorf("revoke sessions: %w", err)
		}
		return nil
	})
}

// ChangeEmail sets a user's email after checking their password (no confirmation mail). PocketBase
// gives an auth record a new tokenKey whenever its email changes, so every session of the user ends;
// callers hand the user a fresh token. Validation failures (format, taken) come back as
// validation.Errors.
func ChangeEmail(app core.App, user *core.Record, email, password string) (*core.Record, error) {
	u, err := app.FindRecordById("users", user.Id)
	if err != nil {
		return nil, ErrNoSuchUser
	}
	if password == "" || !u.ValidatePassword(password) {
		return nil, ErrWrongPassword
	}
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, validation.Errors{"email": validation.NewError("validation_required", "Cannot be blank.")}
	}
	u.SetEmail(email)
	if err := app.Save(u); err != nil {
		return nil, err
	}
	return u, nil
}

// SetPassword gives the user with email a new password (the CLI's reset-password). Their tokens die
// with it (PocketBase renews the tokenKey on a password change).
func SetPassword(app core.App, email, password string) (*core.Record, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, ErrNoSuchUser
	}
	u, err := app.FindAuthRecordByEmail("users", email)
	if err != nil {
		return nil, ErrNoSuchUser
	}
	u.SetPassword(password)
	u.Set("passwordConfirm", password)
	if err := app.Save(u); err != nil {
		return nil, err
	}
	return u, nil
}

// DeleteMessagesOf turns every message of userID into a tombstone, in batches, through the normal
// update path: each deletion takes a new seq and sends message.deleted. Each batch is one transaction
// on the group-commit writer (groupcommit.DoAlone), like any other write that draws seqs, so its
// events leave in seq order with everyone else's and posts keep flowing between batches.
func DeleteMessagesOf(app core.App, userID string) (int, error) {
	const batch = 200
	total := 0
	for {
		var n int
		err := groupcommit.DoAlone(app, func(tx core.App) error {
			list, err := tx.FindRecordsByFilter("messages", "creator = {:user} && deleted_at = ''", "number", batch, 0,
				dbx.Params{"user": userID})
			if err != nil {
				return fmt.Errorf("find messages: %w", err)
			}
			for _, m := range list {
				messages.MarkDeleted(m)
				if err := tx.Save(m); err != nil {
					return fmt.Errorf("delete message %s: %w", m.Id, err)
				}
			}
			n = len(list)
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}

// retire removes what a user no longer needs once deactivated or banned: non-direct memberships
// (membership hooks end those realtime topics), push subscriptions, recent searches, pending sign-in
// links, and the dashboard access of a superuser with the same email.
func retire(tx core.App, u *core.Record) error {
	var roomIDs []string
	err := tx.DB().NewQuery(`SELECT m.room FROM memberships m JOIN rooms r ON r.id = m.room
		WHERE m.user = {:user} AND r.kind != 'direct'`).Bind(dbx.Params{"user": u.Id}).Column(&roomIDs)
	if err != nil {
		return fmt.Errorf("list memberships: %w", err)
	}
	for _, id := range roomIDs {
		if _, err := rooms.RemoveMember(tx, id, u.Id); err != nil {
			return err
		}
	}
	for _, col := range []string{"push_subscriptions", "searches", "session_transfers"} {
		if err := deleteUserRows(tx, col, u.Id); err != nil {
			return err
		}
	}
	return revokeDashboard(tx, u.Email())
}

// revokeDashboard takes PocketBase dashboard access from a retired user: the first administrator is
// also a superuser with the same email (SPEC §3). The superuser is deleted, or, when it is the only
// one (PocketBase refuses to delete the last), given a random password and a new tokenKey; the
// operator can make a new one with `campfire superuser upsert`.
func revokeDashboard(tx core.App, email string) error {
	if email == "" {
		return nil
	}
	su, err := tx.FindAuthRecordByEmail(core.CollectionNameSuperusers, email)
	if err != nil {
		return nil // no such superuser
	}
	n, err := tx.CountRecords(core.CollectionNameSuperusers)
	if err != nil {
		return fmt.Errorf("count superusers: %w", err)
	}
	if n > 1 {
		if err := tx.Delete(su); err != nil {
			return fmt.Errorf("delete superuser: %w", err)
		}
		return nil
	}
	su.SetRandomPassword()
	if err := tx.Save(su); err != nil {
		return fmt.Errorf("lock superuser: %w", err)
	}
	return nil
}

func deleteUserRows(tx core.App, collection, userID string) error {
	list, err := tx.FindAllRecords(collection, dbx.HashExp{"user": userID})
	if err != nil {
		return fmt.Errorf("find %s: %w", collection, err)
	}
	for _, r := range list {
		if err := tx.Delete(r); err != nil {
			return fmt.Errorf("delete %s: %w", collection, err)
		}
	}
	return nil
}

// recordBans adds one bans row per address not yet recorded for the user.
func recordBans(tx core.App, userID string, ips []string) error {
	col, err := tx.FindCachedCollectionByNameOrId("bans")
	if err != nil {
		return fmt.Errorf("bans collection: %w", err)
	}
	for _, ip := range ips {
		if ip == "" {
			continue
		}
		if _, err := tx.FindFirstRecordByFilter("bans", "user = {:user} && ip = {:ip}", dbx.Params{"user": userID, "ip": ip}); err == nil {
			continue
		}
		b := core.NewRecord(col)
		b.Set("user", userID)
		b.Set("ip", ip)
		if err := tx.Save(b); err != nil {
			return fmt.Errorf("record ban: %w", err)
		}
	}
	return nil
}
