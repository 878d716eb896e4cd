package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// newTransport is a keep-alive transport for many concurrent requests to one loopback server.
func newTransport(maxIdle int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        maxIdle,
		MaxIdleConnsPerHost: maxIdle,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// api calls one server's JSON API.
type api struct {
	base string
	hc   *http.Client
}

// result is one answer.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (a api) do(method, path, token string, body any) (result, error) {
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case []byte:
			rd = bytes.NewReader(b)
		default:
			data, err := json.Marshal(body)
			if err != nil {
				return result{}, err
			}
			rd = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		return result{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := a.hc.Do(req)
	if err != nil {
		return result{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return result{status: res.StatusCode, header: res.Header, body: data}, err
}

// json calls the API and decodes a 2xx answer into out (nil: ignore the body).
func (a api) json(method, path, token string, body, out any) error {
	r, err := a.do(method, path, token, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if r.status/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, r.status, truncate(string(r.body), 300))
	}
	if out != nil && len(r.body) > 0 {
		if err := json.Unmarshal(r.body, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// superuserToken signs in as a superuser (PocketBase's _superusers collection).
func superuserToken(a api, email, password string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := a.json("POST", "/api/collections/_superusers/auth-with-password", "",
		map[string]any{"identity": email, "password": password}, &out)
	return out.Token, err
}

// rateLimitsOff switches PocketBase's rate limiter off through the settings API and returns what the
// server reports afterwards.
func rateLimitsOff(a api, suToken string) (bool, error) {
	var out struct {
		RateLimits struct {
			Enabled bool `json:"enabled"`
		} `json:"rateLimits"`
	}
	err := a.json("PATCH", "/api/settings", suToken, map[string]any{"rateLimits": map[string]any{"enabled": false}}, &out)
	return out.RateLimits.Enabled, err
}

// createPlainCollection makes the baseline collection: no hooks, public (empty-string) rules.
func createPlainCollection(a api, suToken string) error {
	r, err := a.do("GET", "/api/collections/"+plainCollection, suToken, nil)
	if err == nil && r.status == 200 {
		return nil
	}
	return a.json("POST", "/api/collections", suToken, map[string]any{
		"name": plainCollection,
		"type": "base",
		"fields": []map[string]any{
			{"name": "room", "type": "text", "max": 100},
			{"name": "body", "type": "text", "max": 400000},
			{"name": "client_message_id", "type": "text", "max": 64},
		},
		"listRule": "", "viewRule": "", "createRule": "",
	}, nil)
}

const plainCollection = "bench_plain"

// mintToken makes a PocketBase auth token for a user (HS256 over tokenKey + the collection's auth
// token secret), exactly as core.Record.NewAuthToken does, without a password sign-in per user.
func mintToken(userID, collectionID, tokenKey, secret string) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{
		"id": userID, "type": "auth", "collectionId": collectionID, "refreshable": true,
		"exp": time.Now().Add(24 * time.Hour).Unix(),
	})
	signing := header + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(tokenKey+secret))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}
