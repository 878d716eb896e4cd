package webhooks

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
)

func samplePayload() Payload {
	return Payload{
		User: PayloadUser{ID: "u1aaaaaaaaaaaaa", Name: "Ann"},
		Room: PayloadRoom{ID: "r1aaaaaaaaaaaaa", Name: "General", Path: "/rooms/r1aaaaaaaaaaaaa/b1aaaaaaaaaaaaa-TOKENtoken12/messages"},
		Message: PayloadMessage{
			ID:   "m1aaaaaaaaaaaaa",
			Body: PayloadBody{HTML: `<p>hi &amp; <b>bye</b></p>`, Plain: "hi & bye"},
			Path: "/rooms/r1aaaaaaaaaaaaa/@m1aaaaaaaaaaaaa",
		},
	}
}

func TestPayloadJSONExact(t *testing.T) {
	got, err := samplePayload().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"user":{"id":"u1aaaaaaaaaaaaa","name":"Ann"},` +
		`"room":{"id":"r1aaaaaaaaaaaaa","name":"General","path":"/rooms/r1aaaaaaaaaaaaa/b1aaaaaaaaaaaaa-TOKENtoken12/messages"},` +
		`"message":{"id":"m1aaaaaaaaaaaaa","body":{"html":"<p>hi &amp; <b>bye</b></p>","plain":"hi & bye"},"path":"/rooms/r1aaaaaaaaaaaaa/@m1aaaaaaaaaaaaa"}}`
	if string(got) != want {
		t.Fatalf("Marshal:\n got %s\nwant %s", got, want)
	}
	// The standard encoder (HTML-escaped) decodes to the same value.
	std, err := json.Marshal(samplePayload())
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(std, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Marshal and json.Marshal disagree")
	}
}

func TestPayloadFieldNames(t *testing.T) {
	// Even with empty values every field is present under Campfire's name.
	raw, err := Payload{}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) []string {
		var ks []string
		for k := range v.(map[string]any) {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	check := func(what string, v any, want ...string) {
		t.Helper()
		if got := keys(v); !reflect.DeepEqual(got, want) {
			t.Errorf("%s keys = %v, want %v", what, got, want)
		}
	}
	check("top", m, "message", "room", "user")
	check("user", m["user"], "id", "name")
	check("room", m["room"], "id", "name", "path")
	msg := m["message"].(map[string]any)
	check("message", msg, "body", "id", "path")
	check("message.body", msg["body"], "html", "plain")
}
