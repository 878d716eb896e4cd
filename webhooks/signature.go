package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks header names.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

const (
	// SecretPrefix starts every signing secret.
	SecretPrefix = "whsec_"
	// SecretBytes is the size of the keys NewSecret makes.
	SecretBytes = 32
	// MinSecretBytes is the smallest key Sign accepts (the Standard
	// Webhooks specification asks for 24 to 64 bytes).
	MinSecretBytes = 24
)

// ErrBadSecret is returned (wrapped) by Sign for a secret that is not
// "whsec_" followed by standard base64 of at least MinSecretBytes bytes.
var ErrBadSecret = errors.New("webhooks: bad signing secret")

// NewSecret returns a new signing secret: "whsec_" and the standard base64
// of SecretBytes bytes from crypto/rand. The bot's owner is shown it to
// verify deliveries.
func NewSecret() (string, error) {
	key := make([]byte, SecretBytes)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("webhooks: reading random bytes: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// Sign returns the webhook-signature header value for one delivery attempt:
// "v1," and the standard base64 of HMAC-SHA256, keyed with the decoded
// secret, of "<msgID>.<unix seconds of ts>.<body>". The "whsec_" prefix is
// optional, as in the reference libraries. msgID is 1 to 256 visible ASCII
// characters other than '.' (it is also sent as the webhook-id header).
func Sign(secret, msgID string, ts time.Time, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	if !validMsgID(msgID) {
		return "", errors.New("webhooks: message id must be 1 to 256 visible ASCII characters, no '.'")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(ts.Unix(), 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

func decodeSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return nil, fmt.Errorf("%w: not base64", ErrBadSecret)
	}
	if len(key) < MinSecretBytes {
		return nil, fmt.Errorf("%w: shorter than %d bytes", ErrBadSecret, MinSecretBytes)
	}
	return key, nil
}

// validMsgID keeps ids safe as a header value and, with no '.', keeps the
// signed content "id.timestamp.body" unambiguous.
func validMsgID(id string) bool {
	if id == "" || len(id) > 256 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' || id[i] == '.' {
			return false
		}
	}
	return true
}
