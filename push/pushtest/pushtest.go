// Package pushtest is the receiving end of web push for tests and the benchmark: the user agent's
// side of RFC 8291 (aes128gcm, RFC 8188), written independently of the sender in package push, so a
// test that decrypts what arrived proves the whole encryption, not a round trip through one library.
package pushtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
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
