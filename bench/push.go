package main

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pocketcampfire/campfire/push/pushtest"
)

// pushService is a local web push service on 127.0.0.1 (HTTPS): it decrypts each notification
// (RFC 8291) and counts deliveries per recipient and message number. The Campfire servers of the run
// may reach it through CAMPFIRE_BENCH_PUSH_CA (see cmd/campfire/bench.go).
type pushService struct {
	srv     *httptest.Server
	caFile  string
	mu      sync.Mutex
	devices map[string]*device       // user id -> device
	got     map[string]map[int64]int // user id -> message number -> deliveries
	bad     int                      // bodies read whole that did not decrypt
}

type device struct {
	priv *ecdh.PrivateKey
	auth []byte
}

func startPushService(work string) (*pushService, error) {
	ps := &pushService{devices: map[string]*device{}, got: map[string]map[int64]int{}}
	ps.srv = httptest.NewTLSServer(http.HandlerFunc(ps.handle))
	ps.caFile = filepath.Join(work, "push-ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ps.srv.Certificate().Raw})
	if err := os.WriteFile(ps.caFile, data, 0o644); err != nil {
		ps.srv.Close()
		return nil, err
	}
	return ps, nil
}

func (ps *pushService) close() { ps.srv.Close() }

// newDevice makes a browser's subscription for a user: endpoint and keys.
func (ps *pushService) newDevice(userID string) (endpoint, p256dh, auth string, err error) {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		return "", "", "", err
	}
	ps.mu.Lock()
	ps.devices[userID] = &device{priv: priv, auth: secret}
	ps.mu.Unlock()
	enc := base64.RawURLEncoding
	return ps.srv.URL + "/push/" + userID, enc.EncodeToString(priv.PublicKey().Bytes()), enc.EncodeToString(secret), nil
}

func (ps *pushService) handle(w http.ResponseWriter, r *http.Request) {
	user := strings.TrimPrefix(r.URL.Path, "/push/")
	body, err := io.ReadAll(r.Body)
	if err != nil { // the sender died mid-request (the audit's SIGKILL): nothing was delivered
		http.Error(w, "incomplete body", http.StatusBadRequest)
		return
	}
	ps.mu.Lock()
	d := ps.devices[user]
	ps.mu.Unlock()
	if d == nil {
		http.Error(w, "no such subscription", http.StatusNotFound)
		return
	}
	pt, err := d.decrypt(body)
	var n struct {
		Number int64 `json:"number"`
	}
	if err == nil {
		err = json.Unmarshal(pt, &n)
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if err != nil {
		ps.bad++
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if ps.got[user] == nil {
		ps.got[user] = map[int64]int{}
	}
	ps.got[user][n.Number]++
	w.WriteHeader(http.StatusCreated)
}

// delivered reports how many times a user was sent the notification of a message number.
func (ps *pushService) delivered(userID string, number int64) int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.got[userID][number]
}

func (ps *pushService) total() (n int, bad int) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, m := range ps.got {
		for _, c := range m {
			n += c
		}
	}
	return n, ps.bad
}

// decrypt is the user agent side of RFC 8291, from package pushtest.
func (d *device) decrypt(body []byte) ([]byte, error) {
	return pushtest.Decrypt(d.priv, d.auth, body)
}
