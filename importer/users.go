package importer

import (
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"github.com/pocketcampfire/campfire/botkeys"
	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/webhooks"
)

type srcUser struct {
	id, name, email, digest, role, status, active, bio, botToken, created, updated sql.NullString
}

// Campfire's enums (integers in its database).
func mapRole(v string, hasBots bool) string {
	switch strings.TrimSpace(v) {
	case "1", "administrator", "owner":
		return "administrator"
	case "2", "bot":
		// before Campfire had bots, 2 was "owner" (folded into administrator by its own migration)
		if hasBots || v == "bot" {
			return "bot"
		}
		return "administrator"
	default:
		return "member"
	}
}

func mapStatus(status, active sql.NullString) string {
	if status.Valid {
		switch strings.TrimSpace(status.String) {
		case "1", "deactivated":
			return "deactivated"
		case "2", "banned":
			return "banned"
		default:
			return "active"
		}
	}
	if active.Valid {
		switch strings.ToLower(strings.TrimSpace(active.String)) {
		case "0", "f", "false":
			return "deactivated"
		}
	}
	return "active"
}

// importUsers imports people and bots. Password digests are bcrypt (Rails' has_secure_password) and go
// into PocketBase's password hash as they are, so everyone signs in with their old password. A Campfire
// user whose email already belongs to one of our users is matched to that user, who is kept as is.
func (r *run) importUsers(t *TableReport) error {
	s := r.src
	rows, err := s.db.Query(`SELECT CAST(u.id AS TEXT), u.name, ` + s.col("users", "u", "email_address") + `, ` +
		s.col("users", "u", "password_digest") + `, ` + s.col("users", "u", "role") + `, ` + s.col("users", "u", "status") + `, ` +
		s.col("users", "u", "active") + `, ` + s.col("users", "u", "bio") + `, ` + s.col("users", "u", "bot_token") + `,
		CAST(u.created_at AS TEXT), CAST(u.updated_at AS TEXT) FROM users u ORDER BY u.id`)
	if err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	var list []srcUser
	for rows.Next() {
		var u srcUser
		if err := rows.Scan(&u.id, &u.name, &u.email, &u.digest, &u.role, &u.status, &u.active, &u.bio, &u.botToken,
			&u.created, &u.updated); err != nil {
			rows.Close()
			return err
		}
		list = append(list, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	hooks := map[string]string{}
	if s.hasTable("webhooks") {
		wr, err := s.db.Query("SELECT CAST(user_id AS TEXT), COALESCE(url, '') FROM webhooks ORDER BY id")
		if err != nil {
			return fmt.Errorf("read webhooks: %w", err)
		}
		for wr.Next() {
			var uid, url string
			if err := wr.Scan(&uid, &url); err != nil {
				wr.Close()
				return err
			}
			hooks[uid] = strings.TrimSpace(url)
		}
		wr.Close()
	}
	avatars, err := s.attachedBlobs("User", "avatar")
	if err != nil {
		return err
	}

	// emails of the users we already have (matched), and those this import creates (must stay unique)
	existing := map[string]string{}
	var ex []struct {
		ID    string `db:"id"`
		Email string `db:"email"`
	}
	if err := r.app.DB().NewQuery("SELECT id, email FROM users WHERE email != ''").All(&ex); err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	for _, e := range ex {
		existing[strings.ToLower(e.Email)] = e.ID
	}
	targets := map[string]bool{}
	for _, target := range r.led.m[SourceUsers] {
		targets[target] = true
	}
	imported := map[string]bool{}
	for email, id := range existing {
		if targets[id] {
			imported[email] = true
		}
	}

	hasBots := s.hasColumn("users", "bot_token")
	col, err := r.app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	t.Source = len(list)
	r.prog.begin("users", len(list))
	err = r.batches(len(list), func(tx core.App, lo, hi int) error {
		for _, u := range list[lo:hi] {
			if err := r.importUser(tx, t, col, u, hasBots, hooks, avatars, existing, imported); err != nil {
				return err
			}
		}
		return nil
	})
	r.prog.end()
	if err != nil {
		return err
	}
	return r.loadUserRefs()
}

func (r *run) importUser(tx core.App, t *TableReport, col *core.Collection, u srcUser, hasBots bool,
	hooks map[string]string, avatars map[string]*blob, existing map[string]string, imported map[string]bool) error {
	id := u.id.String
	if _, ok := r.led.get(SourceUsers, id); ok {
		t.Existing++
		return nil
	}
	role := mapRole(u.role.String, hasBots)
	status := mapStatus(u.status, u.active)
	email := strings.TrimSpace(u.email.String)
	key := strings.ToLower(email)
	if email != "" && role != "bot" {
		if target, ok := existing[key]; ok && !imported[key] {
			r.problem("users", id, "matched to the existing user with the same email, who was kept as is (password, role and name unchanged)")
			t.Existing++
			return r.led.add(tx, SourceUsers, id, target)
		}
	}

	rec := core.NewRecord(col)
	name := strings.Join(strings.Fields(u.name.String), " ")
	if name == "" {
		name = "Campfire user " + id
		r.problem("users", id, "no name: named after the Campfire id")
	}
	if n, cut := truncateRunes(name, 100); cut {
		name = n
		r.problem("users", id, "name cut to 100 characters")
	}
	rec.Set("name", name)
	if email != "" {
		switch {
		case is.EmailFormat.Validate(email) != nil:
			r.problem("users", id, "invalid email left out")
			email = ""
		case imported[key] || existing[key] != "":
			r.problem("users", id, "email already used by another imported user (differs only in case): left out")
			email = ""
		}
	}
	if email != "" {
		rec.SetEmail(email)
	}
	rec.SetVerified(true)

	digest := strings.TrimSpace(u.digest.String)
	if strings.HasPrefix(digest, "$2") {
		rec.SetRaw("password", &core.PasswordFieldValue{Hash: digest}) // kept as is: the old password works
	} else {
		// no usable password: a random one nobody knows (bots, or a user who never set one)
		if role != "bot" && status == "active" {
			r.problem("users", id, "no password digest: sign in needs a new password (campfire admin reset-password or a sign-in link)")
		}
		hash, err := randomHash()
		if err != nil {
			return err
		}
		rec.SetRaw("password", &core.PasswordFieldValue{Hash: hash})
	}
	rec.Set("role", role)
	rec.Set("status", status)
	bio := strings.TrimSpace(u.bio.String)
	if b, cut := truncateRunes(bio, 200); cut {
		bio = b
		r.problem("users", id, "bio cut to 200 characters")
	}
	rec.Set("bio", bio)

	if role == "bot" {
		// the bot keeps its token: its Campfire key "<old id>-<token>" keeps working (ResolveLegacyBot),
		// and so does "<new id>-<token>"
		token := strings.TrimSpace(u.botToken.String)
		if _, _, err := botkeys.ParseLegacy(id + "-" + token); err != nil {
			r.problem("users", id, "bot key not kept (missing or malformed token): give the bot a new key")
		} else if err := bots.SetToken(tx, rec, token); err != nil {
			return fmt.Errorf("bot %s: %w", id, err)
		}
		secret, err := webhooks.NewSecret()
		if err != nil {
			return err
		}
		rec.Set("webhook_secret", secret)
		if raw := hooks[id]; raw != "" {
			if url, err := bots.CheckWebhookURL(raw, false); err != nil {
				r.problem("users", id, "webhook URL left out ("+raw+"): "+err.Error())
			} else {
				rec.Set("webhook_url", url)
			}
		}
	}
	if b := avatars[id]; b != nil {
		if f, reason := r.imageFile(b); f != nil {
			rec.Set("avatar", f)
		} else {
			r.problem("users", id, "avatar not imported: "+reason)
		}
	}
	created := timeOr(u.created.String, zeroDateTime)
	rec.SetRaw("created", created)
	rec.SetRaw("updated", timeOr(u.updated.String, created))

	if err := r.saveDropping(tx, rec, "users", id, "avatar", "webhook_url", "email", "bio"); err != nil {
		return fmt.Errorf("save user %s: %w", id, err)
	}
	if email != "" {
		imported[key] = true
	}
	t.Imported++
	return r.led.add(tx, SourceUsers, id, rec.Id)
}

// saveDropping saves rec; when validation refuses one of the optional fields, it leaves those out,
// notes why and saves again.
func (r *run) saveDropping(tx core.App, rec *core.Record, table, id string, optional ...string) error {
	err := tx.Save(rec)
	var ve validation.Errors
	if err == nil || !errors.As(err, &ve) {
		return err
	}
	dropped := false
	for _, f := range optional {
		if fe, ok := ve[f]; ok {
			r.problem(table, id, f+" left out: "+fe.Error())
			rec.Set(f, nil)
			dropped = true
		}
	}
	if !dropped {
		return err
	}
	return tx.Save(rec)
}

// randomHash is a bcrypt hash of a random secret nobody knows (lowest cost: it only has to be valid).
func randomHash() (string, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(fmt.Sprintf("%x", secret)[:64]), bcrypt.MinCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// loadUserRefs fills the Campfire id -> our user table used to resolve mentions.
func (r *run) loadUserRefs() error {
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := r.app.DB().NewQuery("SELECT id, name FROM users").All(&rows); err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	names := make(map[string]string, len(rows))
	for _, u := range rows {
		names[u.ID] = u.Name
	}
	for cid, target := range r.led.m[SourceUsers] {
		if name, ok := names[target]; ok {
			r.users[cid] = userRef{id: target, name: name}
		}
	}
	return nil
}
