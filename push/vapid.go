package push

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Environment variables read by KeysFromEnv.
const (
	EnvPublicKey  = "VAPID_PUBLIC_KEY"
	EnvPrivateKey = "VAPID_PRIVATE_KEY"
)

// Keys is a VAPID key pair on P-256, encoded the way webpush-go and the
// browser's PushManager.subscribe({applicationServerKey}) expect:
// unpadded base64url of the 65-byte uncompressed public point and of the
// 32-byte private scalar.
type Keys struct {
	PublicKey  string `json:"publicKey"`
	PrivateKey string `json:"privateKey"`
}

// GenerateKeys creates a fresh VAPID key pair.
func GenerateKeys() (Keys, error) {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return Keys{}, fmt.Errorf("push: generate VAPID keys: %w", err)
	}
	return Keys{
		PublicKey:  base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		PrivateKey: base64.RawURLEncoding.EncodeToString(priv.Bytes()),
	}, nil
}

// KeysFromEnv reads VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY.
//
// Neither set: (Keys{}, false, nil), the caller generates or loads its own.
// Both set and forming a valid pair: (keys, true, nil), normalized to
// unpadded base64url (padded and standard base64 are accepted on input).
// Only one set, or a broken/mismatched pair: an error (never silently ignored,
// since it would make every existing subscription fail).
func KeysFromEnv() (Keys, bool, error) {
	pub := strings.TrimSpace(os.Getenv(EnvPublicKey))
	priv := strings.TrimSpace(os.Getenv(EnvPrivateKey))
	switch {
	case pub == "" && priv == "":
		return Keys{}, false, nil
	case pub == "" || priv == "":
		return Keys{}, false, fmt.Errorf("push: set both %s and %s, or neither", EnvPublicKey, EnvPrivateKey)
	}
	k, err := normalizeKeys(pub, priv)
	if err != nil {
		return Keys{}, false, fmt.Errorf("push: %s/%s: %w", EnvPublicKey, EnvPrivateKey, err)
	}
	return k, true, nil
}

// Valid reports whether k is a usable VAPID key pair.
func (k Keys) Valid() bool { return k.Validate() == nil }

// Validate explains why k is not a usable VAPID key pair: both keys must be
// unpadded base64url, the private key a valid P-256 scalar and the public key
// the point it derives.
func (k Keys) Validate() error {
	if k.PublicKey == "" || k.PrivateKey == "" {
		return errors.New("VAPID keys are empty")
	}
	pub, err := base64.RawURLEncoding.DecodeString(k.PublicKey)
	if err != nil {
		return errors.New("VAPID public key is not unpadded base64url")
	}
	priv, err := base64.RawURLEncoding.DecodeString(k.PrivateKey)
	if err != nil {
		return errors.New("VAPID private key is not unpadded base64url")
	}
	return checkPair(pub, priv)
}

func checkPair(pub, priv []byte) error {
	if len(pub) != 65 || pub[0] != 4 {
		return errors.New("VAPID public key is not an uncompressed P-256 point (65 bytes)")
	}
	if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
		return errors.New("VAPID public key is not a point on P-256")
	}
	if len(priv) != 32 {
		return errors.New("VAPID private key is not a 32-byte P-256 scalar")
	}
	sk, err := ecdh.P256().NewPrivateKey(priv)
	if err != nil {
		return errors.New("VAPID private key is not a valid P-256 scalar")
	}
	if !bytes.Equal(sk.PublicKey().Bytes(), pub) {
		return errors.New("VAPID public and private keys do not form a pair")
	}
	return nil
}

func normalizeKeys(pub, priv string) (Keys, error) {
	pb, err := decodeB64(pub)
	if err != nil {
		return Keys{}, errors.New("public key is not base64")
	}
	sb, err := decodeB64(priv)
	if err != nil {
		return Keys{}, errors.New("private key is not base64")
	}
	if err := checkPair(pb, sb); err != nil {
		return Keys{}, err
	}
	return Keys{
		PublicKey:  base64.RawURLEncoding.EncodeToString(pb),
		PrivateKey: base64.RawURLEncoding.EncodeToString(sb),
	}, nil
}

// decodeB64 accepts base64url or standard base64, padded or not.
func decodeB64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if strings.ContainsAny(s, "+/") {
		return base64.RawStdEncoding.DecodeString(s)
	}
	return base64.RawURLEncoding.DecodeString(s)
}
