package accounts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
)

// TransferTTL is how long a sign-in transfer link works.
const TransferTTL = 4 * time.Hour

// TransferPath is the web app's page for a transfer link; the token follows it.
const TransferPath = "/session/transfer/"

const transferTokenLength = 43 // alphanumerics: about 256 bits

// Errors of sign-in transfer links (each answers 400 with its own message).
var (
	ErrTransferInvalid = errors.New("this sign-in link is not valid")
	ErrTransferUsed    = errors.New("this sign-in link was already used")
	ErrTransferExpired = errors.New("this sign-in link has expired")
)

// Transfer is a new sign-in transfer link: its secret token (never stored) and when it expires.
type Transfer struct {
	Token   string
	Expires types.DateTime
}

// Path is the web app path of the link.
func (t *Transfer) Path() string { return TransferPath + t.Token }

// HashTransferToken is what the session_transfers collection stores instead of a token.
func HashTransferToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CanSignIn reports whether a user may hold a session: an active human.
func CanSignIn(u *core.Record) bool {
	return u != nil && u.Collection().Name == "users" && u.GetString("status") == StatusActive && u.GetString("role") != "bot"
}

// NewTransfer makes a single-use sign-in link for user ("sign in on another device"), valid for
// TransferTTL. Only a hash of its token is stored.
func NewTransfer(app core.App, user *core.Record) (*Transfer, error) {
	if !CanSignIn(user) {
		return nil, ErrTransferInvalid
	}
	col, err := app.FindCachedCollectionByNameOrId("session_transfers")
	if err != nil {
		return nil, fmt.Errorf("session_transfers collection: %w", err)
	}
	t := &Transfer{Token: security.RandomString(transferTokenLength)}
	t.Expires = types.NowDateTime().Add(TransferTTL)
	r := core.NewRecord(col)
	r.Set("user", user.Id)
	r.Set("token_hash", HashTransferToken(t.Token))
	r.Set("expires", t.Expires)
	if err := app.Save(r); err != nil {
		return nil, fmt.Errorf("save transfer: %w", err)
	}
	return t, nil
}

// RedeemTransfer spends a transfer token and returns its user. A token works once (the spend is one
// conditional UPDATE, so concurrent redemptions yield one winner), before its expiry, for a user who
// can still sign in; otherwise ErrTransferInvalid, ErrTransferUsed or ErrTransferExpired.
func RedeemTransfer(app core.App, token string) (*core.Record, error) {
	if !validTransferToken(token) {
		return nil, ErrTransferInvalid
	}
	rec, err := app.FindFirstRecordByData("session_transfers", "token_hash", HashTransferToken(token))
	if err != nil {
		return nil, ErrTransferInvalid
	}
	now := types.NowDateTime()
	if !rec.GetDateTime("used").IsZero() {
		return nil, ErrTransferUsed
	}
	if !rec.GetDateTime("expires").After(now) {
		return nil, ErrTransferExpired
	}
	user, err := app.FindRecordById("users", rec.GetString("user"))
	if err != nil || !CanSignIn(user) {
		return nil, ErrTransferInvalid
	}
	res, err := app.DB().NewQuery(`UPDATE session_transfers SET used = {:now}
		WHERE id = {:id} AND used = '' AND expires > {:now}`).
		Bind(dbx.Params{"id": rec.Id, "now": now.String()}).Execute()
	if err != nil {
		return nil, fmt.Errorf("spend transfer: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, ErrTransferUsed // a concurrent redemption won
	}
	return user, nil
}

// DeleteStaleTransfers removes links that expired more than a day ago.
func DeleteStaleTransfers(app core.App) error {
	cutoff := types.NowDateTime().Add(-24 * time.Hour)
	_, err := app.DB().NewQuery("DELETE FROM session_transfers WHERE expires < {:cutoff}").
		Bind(dbx.Params{"cutoff": cutoff.String()}).Execute()
	if err != nil {
		return fmt.Errorf("delete stale transfers: %w", err)
	}
	return nil
}

func validTransferToken(token string) bool {
	if len(token) != transferTokenLength {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
