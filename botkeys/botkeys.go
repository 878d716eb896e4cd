// Package botkeys creates, parses and checks bot keys.
//
// A bot key is "<user id>-<token>": the PocketBase id of the bot user (15
// characters of [a-z0-9]) and a random alphanumeric token. The key is shown
// to an administrator once; only Hash(token) is stored. Bots imported from
// Campfire keep their keys, which have the form "<integer id>-<token>"; see
// ParseLegacy.
//
// The package is pure: no PocketBase, no I/O besides crypto/rand.
package botkeys

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

const (
	// TokenLength is the length of the tokens NewToken makes.
	TokenLength = 24
	// MinTokenLength is the shortest token Parse and ParseLegacy accept
	// (Campfire's own bot tokens are 12 alphanumerics).
	MinTokenLength = 12
	// UserIDLength is the length of a PocketBase record id.
	UserIDLength = 15
	// MaxKeyLength bounds the input Parse and ParseLegacy look at.
	MaxKeyLength = 256

	separator = '-'
	alphabet  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// ErrInvalidKey is returned (wrapped) for every key Parse or ParseLegacy
// rejects. Error messages never repeat the key or the token.
var ErrInvalidKey = errors.New("botkeys: invalid bot key")

// NewToken returns TokenLength characters drawn uniformly from [A-Za-z0-9]
// with crypto/rand (about 143 bits of entropy).
func NewToken() (string, error) {
	out := make([]byte, 0, TokenLength)
	// 248 = 4*62: bytes at or above it are rejected so every character is
	// equally likely (no modulo bias).
	const limit = 256 - 256%len(alphabet)
	buf := make([]byte, TokenLength+8)
	for len(out) < TokenLength {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("botkeys: reading random bytes: %w", err)
		}
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, alphabet[int(b)%len(alphabet)])
			if len(out) == TokenLength {
				break
			}
		}
	}
	return string(out), nil
}

// Format joins a user id and a token into a bot key. It does not validate;
// Parse(Format(id, token)) succeeds when both parts are valid.
func Format(userID, token string) string {
	return userID + string(separator) + token
}

// Parse splits a bot key into the bot's user id and its token. The id is
// everything before the first '-' (ids never contain one), so a key with a
// second '-' fails because the token contains a non-alphanumeric. The id must
// be exactly 15 characters of [a-z0-9] and the token at least MinTokenLength
// characters of [A-Za-z0-9]; keys longer than MaxKeyLength are rejected
// before being looked at.
func Parse(key string) (userID, token string, err error) {
	id, token, err := split(key)
	if err != nil {
		return "", "", err
	}
	if len(id) != UserIDLength {
		return "", "", fmt.Errorf("%w: user id must be %d characters", ErrInvalidKey, UserIDLength)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return "", "", fmt.Errorf("%w: user id must be lowercase alphanumeric", ErrInvalidKey)
		}
	}
	return id, token, nil
}

// ParseLegacy parses a key imported from Campfire, "<integer id>-<token>",
// and returns Campfire's integer user id. The id is a positive decimal
// integer without sign or leading zeros that fits in an int64; the token
// follows the same rules as in Parse.
//
// A key whose id is 15 digits is accepted by both Parse and ParseLegacy
// (a PocketBase id may, rarely, be all digits): look it up as a PocketBase
// id first and fall back to the legacy id.
func ParseLegacy(key string) (legacyID int64, token string, err error) {
	id, token, err := split(key)
	if err != nil {
		return 0, "", err
	}
	if id[0] == '0' {
		return 0, "", fmt.Errorf("%w: legacy id must be a positive integer without leading zeros", ErrInvalidKey)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return 0, "", fmt.Errorf("%w: legacy id must be decimal digits", ErrInvalidKey)
		}
	}
	n, perr := strconv.ParseInt(id, 10, 64)
	if perr != nil {
		return 0, "", fmt.Errorf("%w: legacy id out of range", ErrInvalidKey)
	}
	return n, token, nil
}

// split checks the length, splits at the first '-' and validates the token.
func split(key string) (id, token string, err error) {
	if len(key) > MaxKeyLength {
		return "", "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLength)
	}
	i := -1
	for j := 0; j < len(key); j++ {
		if key[j] == separator {
			i = j
			break
		}
	}
	if i < 0 {
		return "", "", fmt.Errorf("%w: missing '-' separator", ErrInvalidKey)
	}
	id, token = key[:i], key[i+1:]
	if id == "" {
		return "", "", fmt.Errorf("%w: empty user id", ErrInvalidKey)
	}
	if token == "" {
		return "", "", fmt.Errorf("%w: empty token", ErrInvalidKey)
	}
	if !validToken(token) {
		return "", "", fmt.Errorf("%w: token must be at least %d alphanumeric characters", ErrInvalidKey, MinTokenLength)
	}
	return id, token, nil
}

func validToken(token string) bool {
	if len(token) < MinTokenLength {
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

// Hash returns the value to store for a token: the lowercase hex SHA-256 of
// the token.
//
// A fast, unsalted hash is enough here, unlike for passwords. Slow KDFs and
// salts exist to make guessing low-entropy, human-chosen secrets expensive
// and to stop precomputed tables; a token from NewToken carries ~143 bits of
// crypto/rand entropy (Campfire's imported 12-character tokens ~71 bits), so
// a leaked hash can only be attacked by brute force over that space, which
// is out of reach whatever the hash speed, and no two tokens realistically
// collide, so a salt would add nothing. A fast hash also keeps bot
// authentication cheap, so it cannot be used to burn CPU.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Verify reports whether token matches storedHash (a value from Hash),
// comparing the digests in constant time. A malformed or empty stored hash
// never matches.
func Verify(token, storedHash string) bool {
	want, err := hex.DecodeString(storedHash)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	got := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(got[:], want) == 1
}
