package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// verifyStandardWebhook is a receiver-side verifier written from the
// Standard Webhooks specification, independently of Sign: it is what a bot
// would run. It parses the three headers, rejects a timestamp further than
// tolerance from now, recomputes HMAC-SHA256 over "id.timestamp.body" with
// the base64-decoded secret and compares, in constant time, against each
// space-separated "v1,<base64>" signature.
func verifyStandardWebhook(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, tsText, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || tsText == "" || sigs == "" {
		return errors.New("missing header")
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return errors.New("bad timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("timestamp outside tolerance")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return errors.New("bad secret")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + tsText + "." + string(body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Split(sigs, " ") {
		version, encoded, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(encoded)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("no valid signature")
}

// The Standard Webhooks reference test vector.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTS     = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func vectorHeader(sig string) http.Header {
	h := http.Header{}
	h.Set("webhook-id", vectorID)
	h.Set("webhook-timestamp", strconv.Itoa(vectorTS))
	h.Set("webhook-signature", sig)
	return h
}

func TestVerifierAcceptsReferenceVector(t *testing.T) {
	now := time.Unix(vectorTS, 0)
	if err := verifyStandardWebhook(vectorSecret, vectorHeader(vectorSig), []byte(vectorBody), now, 5*time.Minute); err != nil {
		t.Fatalf("verifier rejects the reference vector: %v", err)
	}
	// Several signatures, the valid one last (key rotation).
	if err := verifyStandardWebhook(vectorSecret, vectorHeader("v1,bm9wZQ== v2,xyz "+vectorSig), []byte(vectorBody), now, 5*time.Minute); err != nil {
		t.Fatalf("verifier rejects a list of signatures: %v", err)
	}
}

func TestSignReferenceVector(t *testing.T) {
	for _, secret := range []string{vectorSecret, strings.TrimPrefix(vectorSecret, "whsec_")} {
		got, err := Sign(secret, vectorID, time.Unix(vectorTS, 999_000_000), []byte(vectorBody))
		if err != nil {
			t.Fatal(err)
		}
		if got != vectorSig {
			t.Fatalf("Sign = %s, want %s", got, vectorSig)
		}
	}
}

func TestSignVerifiedIndependently(t *testing.T) {
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"user":{"id":"x"}}`)
	now := time.Now()
	sig, err := Sign(secret, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("webhook-id", "msg_1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", sig)
	if err := verifyStandardWebhook(secret, h, body, now, 5*time.Minute); err != nil {
		t.Fatalf("valid signature rejected: %v", err)
	}
	if err := verifyStandardWebhook(secret, h, []byte(`{"user":{"id":"y"}}`), now, 5*time.Minute); err == nil {
		t.Fatal("tampered body accepted")
	}
	if err := verifyStandardWebhook(secret, h, body, now.Add(6*time.Minute), 5*time.Minute); err == nil {
		t.Fatal("old timestamp accepted")
	}
	other, _ := NewSecret()
	if err := verifyStandardWebhook(other, h, body, now, 5*time.Minute); err == nil {
		t.Fatal("wrong secret accepted")
	}
	h2 := h.Clone()
	h2.Set("webhook-id", "msg_2")
	if err := verifyStandardWebhook(secret, h2, body, now, 5*time.Minute); err == nil {
		t.Fatal("other message id accepted")
	}
	h3 := h.Clone()
	h3.Set("webhook-timestamp", strconv.FormatInt(now.Unix()+1, 10))
	if err := verifyStandardWebhook(secret, h3, body, now, 5*time.Minute); err == nil {
		t.Fatal("altered timestamp accepted")
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if a == b {
		t.Fatal("two equal secrets")
	}
	if !strings.HasPrefix(a, "whsec_") {
		t.Fatalf("secret %q lacks whsec_", a)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if err != nil || len(key) < 24 || len(key) > 64 {
		t.Fatalf("secret decodes to %d bytes, %v", len(key), err)
	}
}

func TestSignRejects(t *testing.T) {
	good, _ := NewSecret()
	short := "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 23))
	for name, tc := range map[string]struct{ secret, id string }{
		"not base64":   {"whsec_!!!", "msg_1"},
		"empty secret": {"", "msg_1"},
		"short secret": {short, "msg_1"},
		"url base64":   {"whsec_" + strings.Repeat("-_", 16), "msg_1"},
		"empty id":     {good, ""},
		"id with CRLF": {good, "msg\r\nX-Evil: 1"},
		"id with dot":  {good, "msg.1"},
		"id with nul":  {good, "msg\x00"},
		"long id":      {good, strings.Repeat("m", 257)},
	} {
		_, err := Sign(tc.secret, tc.id, time.Now(), nil)
		if err == nil {
			t.Errorf("%s: Sign accepted", name)
		}
		if strings.Contains(name, "secret") || name == "not base64" || name == "url base64" {
			if !errors.Is(err, ErrBadSecret) {
				t.Errorf("%s: err %v, want ErrBadSecret", name, err)
			}
		}
	}
}
