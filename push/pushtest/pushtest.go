// Package pushtest is the receiving end of web push for tests and the benchmark: the user agent's
// side of RFC 8291 (aes128gcm, RFC 8188), written independently of the sender in package push, so a
// test that decrypts what arrived proves the whole encryption, not a round trip through one library.
package pushtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Decrypt opens a single-record aes128gcm push message body for the subscription whose private key is
// priv and whose auth secret is authSecret, and returns the plaintext without its padding.
func Decrypt(priv *ecdh.PrivateKey, authSecret, body []byte) ([]byte, error) {
	// Header: salt(16) | rs(4) | idlen(1) | keyid(idlen) | records.
	if len(body) < 21 {
		return nil, errors.New("short body")
	}
	salt := body[:16]
	rs := binary.BigEndian.Uint32(body[16:20])
	idlen := int(body[20])
	if len(body) < 21+idlen {
		return nil, errors.New("short key id")
	}
	keyID := body[21 : 21+idlen]
	ct := body[21+idlen:]
	if rs < 18 || uint32(len(ct)) > rs {
		return nil, fmt.Errorf("want one record of at most rs=%d bytes, got %d", rs, len(ct))
	}
	if len(ct) < 17 {
		return nil, errors.New("record too short")
	}

	// The key id is the application server's ephemeral public key.
	asPub, err := ecdh.P256().NewPublicKey(keyID)
	if err != nil {
		return nil, fmt.Errorf("server key: %w", err)
	}
	ecdhSecret, err := priv.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	// RFC 8291 §3.3-3.4: IKM = HKDF(salt=auth_secret, ikm=ecdh_secret,
	// info="WebPush: info\0" || ua_public || as_public, L=32).
	keyInfo := "WebPush: info\x00" + string(priv.PublicKey().Bytes()) + string(asPub.Bytes())
	ikm, err := hkdf.Key(sha256.New, ecdhSecret, authSecret, keyInfo, 32)
	if err != nil {
		return nil, err
	}
	// RFC 8188 §2.2-2.3: CEK and NONCE from HKDF(salt, IKM).
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	// Record sequence number 0: the nonce is used as derived.
	pt, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	// Padding: data || delimiter (0x02 for the last record) || 0x00*.
	i := len(pt) - 1
	for i >= 0 && pt[i] == 0 {
		i--
	}
	if i < 0 || pt[i] != 0x02 {
		return nil, errors.New("missing last-record padding delimiter")
	}
	return pt[:i], nil
}

// CheckVAPID verifies a "vapid t=<JWT>, k=<key>" Authorization header: k is wantKey, the JWT is ES256
// signed by it, aud and sub are as given and it expires within 24 hours.
func CheckVAPID(header, wantKey, aud, sub string) error {
	rest, ok := strings.CutPrefix(header, "vapid t=")
	if !ok {
		return fmt.Errorf("authorization %q is not vapid", header)
	}
	jwt, k, ok := strings.Cut(rest, ", k=")
	if !ok {
		return fmt.Errorf("authorization %q has no k=", header)
	}
	if k != wantKey {
		return fmt.Errorf("k=%q, want %q", k, wantKey)
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return fmt.Errorf("JWT has %d parts", len(parts))
	}
	var head struct{ Alg, Typ string }
	if err := decodeJSONPart(parts[0], &head); err != nil || head.Alg != "ES256" {
		return fmt.Errorf("JWT header %+v %v", head, err)
	}
	pubBytes, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pubBytes)
	if err != nil {
		return err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("ES256 signature: %v, %d bytes", err, len(sig))
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		return errors.New("JWT signature does not verify")
	}
	var claims struct {
		Aud string `json:"aud"`
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	if err := decodeJSONPart(parts[1], &claims); err != nil {
		return err
	}
	if claims.Aud != aud || claims.Sub != sub {
		return fmt.Errorf("claims aud=%q sub=%q, want %q %q", claims.Aud, claims.Sub, aud, sub)
	}
	now := time.Now().Unix()
	if claims.Exp <= now || claims.Exp > now+24*3600 {
		return fmt.Errorf("exp %d is not within 24 h", claims.Exp)
	}
	return nil
}

func decodeJSONPart(p string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
