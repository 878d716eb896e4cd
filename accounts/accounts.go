// Package accounts is the account domain: the one account of an install, its first run, its join
// code and how people join it.
package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/rooms"
)

// DefaultName is the account's name until an administrator changes it.
const DefaultName = "Campfire"

// FirstRoomName is the open room every new account starts with.
const FirstRoomName = "All Talk"

// Errors of the account domain.
var (
	ErrAlreadySetUp = errors.New("the account is already set up")
	ErrNotSetUp     = errors.New("the account is not set up yet")
	ErrWrongCode    = errors.New("wrong join code")
)

const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// NewJoinCode makes a join code: 12 random alphanumerics from a CSPRNG as XXXX-XXXX-XXXX.
func NewJoinCode() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("join code: %w", err)
	}
	var sb strings.Builder
	for i, v := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		// 256 % 57 bias is negligible for an invite link that admins can rotate
		sb.WriteByte(codeAlphabet[int(v)%len(codeAlphabet)])
	}
	return sb.String(), nil
}

// Find returns the account, or ErrNotSetUp.
func Find(app core.App) (*core.Record, error) {
	acc, err := app.FindFirstRecordByFilter("account", "singleton = '1'")
	if err != nil {
		return nil, ErrNotSetUp
	}
	return acc, nil
}

// IsSetUp reports whether the first run has happened.
func IsSetUp(app core.App) bool {
	_, err := Find(app)
	return err == nil
}

// Person is what a new user gives: a name, an email and a password.
type Person struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

// FirstRun creates the account, its first administrator and the open room "All Talk", in one
// transaction; concurrent first runs yield exactly one account (the singleton's UNIQUE index). The
// administrator is also made a PocketBase superuser with the same email and password, so the dashboard
// works at once.
func FirstRun(app core.App, p Person) (*core.Record, error) {
	var admin *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		if IsSetUp(tx) {
			return ErrAlreadySetUp
		}
		col, err := tx.FindCachedCollectionByNameOrId("account")
		if err != nil {
			return fmt.Errorf("account collection: %w", err)
		}
		code, err := NewJoinCode()
		if err != nil {
			return err
		}
		acc := core.NewRecord(col)
		acc.Set("singleton", "1")
		acc.Set("name", DefaultName)
		acc.Set("join_code", code)
		if err := tx.Save(acc); err != nil {
			if IsSetUp(tx) {
				return ErrAlreadySetUp
			}
			return fmt.Errorf("save account: %w", err)
		}
		admin, err = newUser(tx, p, "administrator")
		if err != nil {
			return err
		}
		if _, err := rooms.Create(tx, rooms.Open, FirstRoomName, admin.Id, nil); err != nil {
			return err
		}
		return upsertSuperuser(tx, p.Email, p.Password)
	})
	if err != nil {
		if !errors.Is(err, ErrAlreadySetUp) && IsSetUp(app) {
			return nil, ErrAlreadySetUp // lost a concurrent first run
		}
		return nil, err
	}
	return admin, nil
}

// Join signs a new member up through the invite link.
func Join(app core.App, code string, p Person) (*core.Record, error) {
	var user *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		acc, err := Find(tx)
		if err != nil {
			return ErrWrongCode
		}
		if subtle.ConstantTimeCompare([]byte(acc.GetString("join_code")), []byte(code)) != 1 {
			return ErrWrongCode
		}
		user, err = newUser(tx, p, "member")
		return err
	})
	return user, err
}

// RegenerateJoinCode gives the account a new join code; the old link dies at once.
func RegenerateJoinCode(app core.App) (string, error) {
	acc, err := Find(app)
	if err != nil {
		return "", err
	}
	code, err := NewJoinCode()
	if err != nil {
		return "", err
	}
	acc.Set("join_code", code)
	if err := app.Save(acc); err != nil {
		return "", fmt.Errorf("save join code: %w", err)
	}
	return code, nil
}

// newUser creates an active user and gives them every open room.
func newUser(app core.App, p Person, role string) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, fmt.Errorf("users collection: %w", err)
	}
	u := core.NewRecord(col)
	u.Set("name", strings.TrimSpace(p.Name))
	u.SetEmail(strings.TrimSpace(p.Email))
	u.SetPassword(p.Password)
	u.Set("passwordConfirm", p.Password)
	u.SetVerified(true)
	u.Set("role", role)
	u.Set("status", "active")
	if err := app.Save(u); err != nil {
		return nil, err
	}
	if _, err := rooms.JoinOpenRooms(app, u.Id); err != nil {
		return nil, err
	}
	return u, nil
}

func upsertSuperuser(app core.App, email, password string) error {
	col, err := app.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return fmt.Errorf("superusers collection: %w", err)
	}
	su, err := app.FindAuthRecordByEmail(col, email)
	if err != nil {
		su = core.NewRecord(col)
	}
	su.SetEmail(email)
	su.SetPassword(password)
	if err := app.Save(su); err != nil {
		return fmt.Errorf("save superuser: %w", err)
	}
	return nil
}
