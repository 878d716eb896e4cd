package importer

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/pocketcampfire/campfire/accounts"
)

var joinCodePattern = regexp.MustCompile(`^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$`)

// imageTypes are the logo and avatar types our schema accepts.
var imageTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

const maxImageBytes = 5 << 20

// importAccount brings the account's name, logo, custom CSS, join code and the "only administrators
// create rooms" setting. On a fresh install it creates the account (so no first run is offered: people
// sign in with their Campfire passwords); on a set-up install it gives the account Campfire's name,
// logo, CSS and setting and keeps its join code.
func (r *run) importAccount(t *TableReport) error {
	if !r.src.hasTable("accounts") {
		return r.defaultAccount()
	}
	var id, name, code, styles, settings, created, updated sql.NullString
	err := r.src.db.QueryRow(`SELECT CAST(a.id AS TEXT), a.name, `+r.src.col("accounts", "a", "join_code")+`, `+
		r.src.col("accounts", "a", "custom_styles")+`, `+r.src.col("accounts", "a", "settings")+`,
		CAST(a.created_at AS TEXT), CAST(a.updated_at AS TEXT) FROM accounts a ORDER BY a.id LIMIT 1`).
		Scan(&id, &name, &code, &styles, &settings, &created, &updated)
	if err == sql.ErrNoRows {
		return r.defaultAccount()
	}
	if err != nil {
		return fmt.Errorf("read account: %w", err)
	}
	t.Source = r.src.count("accounts", "")
	if t.Source > 1 {
		r.problem("accounts", "", fmt.Sprintf("%d accounts: only the first was imported", t.Source))
	}
	r.prog.begin("account", 1)
	defer r.prog.end()
	if _, ok := r.led.get(SourceAccounts, id.String); ok {
		t.Existing++
		r.prog.add(1)
		return nil
	}
	logos, err := r.src.attachedBlobs("Account", "logo")
	if err != nil {
		return err
	}

	err = r.app.RunInTransaction(func(tx core.App) error {
		acc, err := accounts.Find(tx)
		if err != nil { // a fresh install: the account comes from Campfire
			col, err := tx.FindCachedCollectionByNameOrId("account")
			if err != nil {
				return err
			}
			acc = core.NewRecord(col)
			acc.Set("singleton", "1")
			jc := code.String
			if !joinCodePattern.MatchString(jc) {
				if jc, err = accounts.NewJoinCode(); err != nil {
					return err
				}
			}
			acc.Set("join_code", jc)
			c := timeOr(created.String, zeroDateTime)
			acc.SetRaw("created", c)
			acc.SetRaw("updated", timeOr(updated.String, c))
		}
		n := strings.TrimSpace(name.String)
		if n == "" {
			n = accounts.DefaultName
		}
		n, cut := truncateRunes(n, 100)
		if cut {
			r.problem("accounts", id.String, "name cut to 100 characters")
		}
		acc.Set("name", n)
		css, cut := truncateRunes(styles.String, 100000)
		if cut {
			r.problem("accounts", id.String, "custom CSS cut to 100,000 characters")
		}
		acc.Set("custom_styles", css)
		if settings.String != "" {
			var s map[string]any
			if json.Unmarshal([]byte(settings.String), &s) == nil {
				v, _ := s["restrict_room_creation_to_administrators"].(bool)
				acc.Set("restrict_room_creation", v)
			}
		}
		hasLogo := false
		if b := logos[id.String]; b != nil {
			if f, reason := r.imageFile(b); f != nil {
				acc.Set("logo", f)
				hasLogo = true
			} else {
				r.problem("accounts", id.String, "logo not imported: "+reason)
			}
		}
		if err := tx.Save(acc); err != nil {
			if !hasLogo || !isValidation(err) {
				return fmt.Errorf("save account: %w", err)
			}
			r.problem("accounts", id.String, "logo not imported: "+err.Error())
			acc.Set("logo", nil)
			if err := tx.Save(acc); err != nil {
				return fmt.Errorf("save account: %w", err)
			}
		}
		return r.led.add(tx, SourceAccounts, id.String, acc.Id)
	})
	if err != nil {
		return err
	}
	t.Imported++
	r.prog.add(1)
	return nil
}

// imageFile prepares an avatar or logo upload, or says why it cannot be one.
func (r *run) imageFile(b *blob) (f *filesystem.File, reason string) {
	if !slices.Contains(imageTypes, strings.ToLower(b.ContentType)) {
		return nil, "unsupported type " + cmpOr(b.ContentType, "unknown")
	}
	if b.ByteSize > maxImageBytes {
		return nil, "larger than 5 MB"
	}
	file, err := r.fileFromBlob(b)
	if err != nil {
		return nil, err.Error()
	}
	return file, ""
}

func isValidation(err error) bool {
	var ve validation.Errors
	return errors.As(err, &ve)
}

// defaultAccount sets a fresh install up when Campfire has no account row (very old databases), so
// that imported people sign in instead of being offered a first run.
func (r *run) defaultAccount() error {
	return r.app.RunInTransaction(func(tx core.App) error {
		if accounts.IsSetUp(tx) {
			return nil
		}
		col, err := tx.FindCachedCollectionByNameOrId("account")
		if err != nil {
			return err
		}
		code, err := accounts.NewJoinCode()
		if err != nil {
			return err
		}
		acc := core.NewRecord(col)
		acc.Set("singleton", "1")
		acc.Set("name", accounts.DefaultName)
		acc.Set("join_code", code)
		if err := tx.Save(acc); err != nil {
			return fmt.Errorf("save account: %w", err)
		}
		r.note("Campfire had no account row: the account was created with the default name")
		return r.led.add(tx, SourceAccounts, "default", acc.Id)
	})
}
