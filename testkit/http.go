package testkit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Serve starts a real HTTP server on 127.0.0.1 for app, with every OnServe route bound, and returns
// its base URL. It stops when the test ends.
func Serve(t testing.TB, app core.App) string {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r}
	var handler http.Handler
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		handler = mux
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL
}

// Client calls the API as one user (or signed out when Token is "").
type Client struct {
	Base    string
	Token   string
	Headers map[string]string // sent with every request (X-Forwarded-For, Referer...)
}

// Response is a decoded API answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a map (or fails the test).
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return m
}

// Do sends a request with a JSON body (nil for none).
func (c Client) Do(t testing.TB, method, path string, body any) Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		case []byte:
			rd = bytes.NewReader(b)
		default:
			data, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			rd = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(t, req)
}

// send adds the client's token and headers to req, sends it and reads the answer.
func (c Client) send(t testing.TB, req *http.Request) Response {
	t.Helper()
	if c.Token != "" {
		req.Header.Set("Authorization", c.Token)
	}
	for k, v := range c.Headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// SSE is a real realtime client: one PocketBase SSE connection.
type SSE struct {
	ClientID string
	Events   chan SSEEvent
	cancel   context.CancelFunc
	base     string
}

// SSEEvent is one event received.
type SSEEvent struct {
	Name string
	Data map[string]any
}

// Connect opens an SSE connection and waits for PB_CONNECT.
func Connect(t testing.TB, base string) *SSE {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &SSE{Events: make(chan SSEEvent, 1000), cancel: cancel, base: base}
	t.Cleanup(s.Close)
	go func() {
		defer res.Body.Close()
		defer close(s.Events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		var name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
			case line == "":
				if name != "" {
					ev := SSEEvent{Name: name}
					_ = json.Unmarshal([]byte(data), &ev.Data)
					s.Events <- ev
				}
				name, data = "", ""
			}
		}
	}()
	ev := s.Next(t, 5*time.Second)
	if ev.Name != "PB_CONNECT" {
		t.Fatalf("first event %q, want PB_CONNECT", ev.Name)
	}
	s.ClientID, _ = ev.Data["clientId"].(string)
	return s
}

// Subscribe replaces the connection's subscriptions and returns the answer's status.
func (s *SSE) Subscribe(t testing.TB, token string, topics ...string) Response {
	t.Helper()
	return Client{Base: s.base, Token: token}.Do(t, http.MethodPost, "/api/realtime",
		map[string]any{"clientId": s.ClientID, "subscriptions": topics})
}

// Next waits for the next event (failing the test after timeout).
func (s *SSE) Next(t testing.TB, timeout time.Duration) SSEEvent {
	t.Helper()
	select {
	case ev, ok := <-s.Events:
		if !ok {
			t.Fatal("realtime connection closed")
		}
		return ev
	case <-time.After(timeout):
		t.Fatal("no realtime event in time")
	}
	return SSEEvent{}
}

// WaitFor returns the first event of the given data type, skipping others.
func (s *SSE) WaitFor(t testing.TB, eventType string, timeout time.Duration) SSEEvent {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev, ok := <-s.Events:
			if !ok {
				t.Fatalf("realtime connection closed while waiting for %s", eventType)
			}
			if ev.Data["type"] == eventType {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event in time", eventType)
		}
	}
}

// Quiet asserts that no event of the given type arrives within d.
func (s *SSE) Quiet(t testing.TB, eventType string, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-s.Events:
			if !ok {
				return
			}
			if ev.Data["type"] == eventType {
				t.Fatalf("unexpected %s event: %v", eventType, ev.Data)
			}
		case <-deadline:
			return
		}
	}
}

// Closed reports whether the server ended the connection within d.
func (s *SSE) Closed(d time.Duration) bool {
	deadline := time.After(d)
	for {
		select {
		case _, ok := <-s.Events:
			if !ok {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

// Close ends the connection.
func (s *SSE) Close() { s.cancel() }
