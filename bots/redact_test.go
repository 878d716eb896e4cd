package bots_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/logger"

	"github.com/pocketcampfire/campfire/logredact"
)

func TestKeysAreRedactedInRequestLogs(t *testing.T) {
	e := setup(t)
	e.App.Settings().Logs.MaxDays = 7 // test apps keep no logs by default
	bot := e.createBot(t, "Robo", "")
	_, token, _ := strings.Cut(bot.Key, "-")

	url := e.messagesURL(e.AllTalk.Id, bot.Key)
	created := raw(t, http.MethodPost, url, "text/plain", "logged")
	if created.Status != http.StatusCreated {
		t.Fatalf("post: %d", created.Status)
	}
	raw(t, http.MethodGet, url+"?before=nosuchmessage00", "", "")                                               // an error answer
	raw(t, http.MethodPost, e.messagesURL(e.AllTalk.Id, bot.ID+"-"+strings.Repeat("Z", 24)), "text/plain", "x") // a bad key

	h, ok := e.App.Logger().Handler().(*logger.BatchHandler)
	if !ok {
		t.Fatalf("logger handler %T", e.App.Logger().Handler())
	}
	// PocketBase logs a request after its answer is written, so the last entry may still be on its
	// way: flush and look again until it is there (or give up after a while)
	var urls []string
	var seen int
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := h.WriteAll(context.WithValue(context.Background(), logger.BlockKey, true)); err != nil { // synchronously
			t.Fatal(err)
		}
		urls = nil
		if err := e.App.AuxDB().NewQuery("SELECT json_extract(data, '$.url') FROM _logs WHERE json_extract(data, '$.type') = 'request'").Column(&urls); err != nil {
			t.Fatal(err)
		}
		seen = 0
		for _, u := range urls {
			if strings.HasPrefix(u, "/rooms/"+e.AllTalk.Id+"/"+bot.ID+"-"+logredact.Placeholder+"/messages") {
				seen++
			}
		}
		if seen >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, u := range urls {
		if strings.Contains(u, token) || strings.Contains(u, strings.Repeat("Z", 24)) {
			t.Errorf("a key reached the request log: %s", u)
		}
	}
	if seen != 3 {
		t.Errorf("%d redacted bot API entries in %v, want 3", seen, urls)
	}
}

func TestRedactRule(t *testing.T) {
	for in, want := range map[string]string{
		"/rooms/r1/abcdefghijklmno-TOKENtoken12/messages":           "/rooms/r1/abcdefghijklmno-REDACTED/messages",
		"/rooms/r1/abcdefghijklmno-TOKENtoken12/messages/m1/boosts": "/rooms/r1/abcdefghijklmno-REDACTED/messages/m1/boosts",
		"/rooms/r1/42-legacyToken12/messages":                       "/rooms/r1/42-REDACTED/messages",
		"/rooms/r1/nodash/messages":                                 "/rooms/r1/REDACTED/messages",
		"/rooms/r1/-/messages":                                      "/rooms/r1/-/messages",
		"/rooms/r1":                                                 "/rooms/r1",
		"/rooms/r1/@m1":                                             "/rooms/r1/@m1",
		"/api/campfire/rooms/r1/messages":                           "/api/campfire/rooms/r1/messages",
	} {
		if got, _ := logredact.Path(in); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
}
