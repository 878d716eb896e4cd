package push

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShouldNotifyTable(t *testing.T) {
	// The only combinations that notify, listed by hand.
	type key struct {
		author, present bool
		inv             string
		mentioned       bool
	}
	notify := map[key]bool{
		{false, false, InvolvementEverything, false}: true,
		{false, false, InvolvementEverything, true}:  true,
		{false, false, InvolvementMentions, true}:    true,
	}
	invs := []string{InvolvementInvisible, InvolvementNothing, InvolvementMentions, InvolvementEverything, "", "bogus"}
	n := 0
	for _, inv := range invs {
		for _, author := range []bool{false, true} {
			for _, present := range []bool{false, true} {
				for _, mentioned := range []bool{false, true} {
					r := Recipient{IsAuthor: author, Present: present, Involvement: inv, Mentioned: mentioned}
					want := notify[key{author, present, inv, mentioned}]
					if got := ShouldNotify(r); got != want {
						t.Errorf("ShouldNotify(%+v) = %v, want %v", r, got, want)
					}
					n++
				}
			}
		}
	}
	if n != 48 {
		t.Fatalf("covered %d cases", n)
	}
}

func TestBuildNotificationShared(t *testing.T) {
	for _, kind := range []string{RoomOpen, RoomClosed} {
		n := BuildNotification(kind, "Ops", "Alice", "hello\n\n  <b>world</b>", "r1abc", 42, 3)
		want := Notification{Title: "Ops", Body: "Alice: hello <b>world</b>", Path: "/rooms/r1abc/@42", Number: 42, Badge: 3, Tag: "room-r1abc"}
		if n != want {
			t.Errorf("%s: got %+v, want %+v", kind, n, want)
		}
	}
}

func TestBuildNotificationDirect(t *testing.T) {
	n := BuildNotification(RoomDirect, "", "Alice", "  hi there ", "dm1", 7, 0)
	want := Notification{Title: "Alice", Body: "hi there", Path: "/rooms/dm1/@7", Number: 7, Badge: 0, Tag: "room-dm1"}
	if n != want {
		t.Errorf("got %+v, want %+v", n, want)
	}
}

func TestBuildNotificationTrimsOnRuneBoundary(t *testing.T) {
	for _, unit := range []string{"é", "😀", "a", "日本"} {
		plain := strings.Repeat(unit, 1000)
		n := BuildNotification(RoomDirect, "", "Bob", plain, "r", 1, 0)
		if !utf8.ValidString(n.Body) {
			t.Fatalf("%q: body not valid UTF-8", unit)
		}
		if c := utf8.RuneCountInString(n.Body); c != MaxBodyRunes {
			t.Errorf("%q: body has %d runes, want %d", unit, c, MaxBodyRunes)
		}
		if !strings.HasSuffix(n.Body, "…") || !strings.HasPrefix(plain, strings.TrimSuffix(n.Body, "…")) {
			t.Errorf("%q: body %q is not a prefix + …", unit, n.Body)
		}
		shared := BuildNotification(RoomOpen, strings.Repeat(unit, 500), "Bob", plain, "r", 1, 0)
		if c := utf8.RuneCountInString(shared.Body); c != MaxBodyRunes || !strings.HasPrefix(shared.Body, "Bob: ") {
			t.Errorf("%q: shared body %q (%d runes)", unit, shared.Body, c)
		}
		if c := utf8.RuneCountInString(shared.Title); c != MaxTitleRunes {
			t.Errorf("%q: title has %d runes", unit, c)
		}
	}
	// Exactly at the limit: untouched.
	exact := strings.Repeat("x", MaxBodyRunes)
	if n := BuildNotification(RoomDirect, "", "B", exact, "r", 1, 0); n.Body != exact {
		t.Errorf("body at the limit was changed: %q", n.Body)
	}
}

func TestEncodeSmall(t *testing.T) {
	n := BuildNotification(RoomOpen, "R&D <team>", "Al", "a < b && c > d", "r1", 5, 2)
	b, err := Encode(n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"title":"R&D <team>"`) {
		t.Errorf("HTML should not be escaped: %s", b)
	}
	var back Notification
	if err := json.Unmarshal(b, &back); err != nil || back != n {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

func TestEncodeHugeMessageBounded(t *testing.T) {
	// Worst cases for JSON: characters that escape to 6 bytes, 4-byte runes,
	// invalid UTF-8; a megabyte of each.
	huge := strings.Repeat("😀\"\\\x01\xff<", 200_000)
	cases := map[string]Notification{
		"built": BuildNotification(RoomOpen, huge, huge, huge, "r1", 9, 1),
		"raw":   {Title: huge, Body: huge, Path: "/rooms/r1/@9", Number: 9, Badge: 1, Tag: "room-r1"},
		"body":  {Title: "t", Body: strings.Repeat("\x01", 1<<20), Path: "/p"},
		"title": {Title: strings.Repeat("\x01", 1<<20), Path: "/p"},
	}
	for name, n := range cases {
		b, err := Encode(n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(b) > MaxPayloadSize {
			t.Fatalf("%s: %d bytes > %d", name, len(b), MaxPayloadSize)
		}
		var back Notification
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: invalid JSON: %v", name, err)
		}
		if back.Path != n.Path || back.Number != n.Number || back.Badge != n.Badge || back.Tag != n.Tag {
			t.Errorf("%s: fixed fields changed: %+v", name, back)
		}
		if !utf8.ValidString(back.Body) || !utf8.ValidString(back.Title) {
			t.Errorf("%s: invalid UTF-8", name)
		}
		if name == "raw" || name == "body" {
			if !strings.HasSuffix(back.Body, "…") {
				t.Errorf("%s: trimmed body should end with …: %q", name, back.Body[len(back.Body)-10:])
			}
			// Greedy: the body is as long as fits.
			if len(b) < MaxPayloadSize-12 {
				t.Errorf("%s: only %d bytes used", name, len(b))
			}
		}
	}
}

func TestEncodeRefusesOversizedFixedFields(t *testing.T) {
	_, err := Encode(Notification{Title: "t", Body: "b", Tag: strings.Repeat("x", 4000)})
	if !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("got %v", err)
	}
}

func TestTopicFor(t *testing.T) {
	if got := TopicFor("abc123xyz456789"); got != "abc123xyz456789" {
		t.Errorf("pocketbase id changed: %q", got)
	}
	if got := TopicFor(""); got != "" {
		t.Errorf("empty: %q", got)
	}
	for _, id := range []string{strings.Repeat("a", 33), "room id/with:stuff", "é"} {
		got := TopicFor(id)
		if len(got) != 32 || !validTopic(got) {
			t.Errorf("TopicFor(%q) = %q", id, got)
		}
		if TopicFor(id) != got || TopicFor(got) != got {
			t.Errorf("TopicFor(%q) not stable", id)
		}
	}
	if TopicFor(strings.Repeat("a", 33)) == TopicFor(strings.Repeat("a", 34)) {
		t.Error("distinct ids share a topic")
	}
}

func TestGenerateKeys(t *testing.T) {
	k, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if !k.Valid() {
		t.Fatalf("generated keys invalid: %v", k.Validate())
	}
	pub, err := base64.RawURLEncoding.DecodeString(k.PublicKey)
	if err != nil || len(pub) != 65 || pub[0] != 4 {
		t.Fatalf("public key shape: %v %d", err, len(pub))
	}
	if strings.ContainsAny(k.PublicKey+k.PrivateKey, "=+/") {
		t.Fatal("not raw base64url")
	}
	k2, _ := GenerateKeys()
	if k2 == k {
		t.Fatal("same keys twice")
	}
	if (Keys{PublicKey: k.PublicKey, PrivateKey: k2.PrivateKey}).Valid() {
		t.Fatal("mismatched pair accepted")
	}
	if (Keys{}).Valid() || (Keys{PublicKey: "!!", PrivateKey: k.PrivateKey}).Valid() {
		t.Fatal("broken keys accepted")
	}
}

func TestKeysFromEnv(t *testing.T) {
	k, _ := GenerateKeys()
	other, _ := GenerateKeys()

	t.Setenv(EnvPublicKey, "")
	t.Setenv(EnvPrivateKey, "")
	if got, ok, err := KeysFromEnv(); ok || err != nil || got != (Keys{}) {
		t.Fatalf("neither: %v %v %v", got, ok, err)
	}

	t.Setenv(EnvPublicKey, k.PublicKey)
	if _, ok, err := KeysFromEnv(); ok || err == nil {
		t.Fatal("only public accepted")
	}
	t.Setenv(EnvPublicKey, "")
	t.Setenv(EnvPrivateKey, k.PrivateKey)
	if _, ok, err := KeysFromEnv(); ok || err == nil {
		t.Fatal("only private accepted")
	}

	t.Setenv(EnvPublicKey, other.PublicKey)
	if _, ok, err := KeysFromEnv(); ok || err == nil {
		t.Fatal("mismatched pair accepted")
	}
	if _, _, err := KeysFromEnv(); strings.Contains(err.Error(), k.PrivateKey) {
		t.Fatal("error leaks the private key")
	}

	t.Setenv(EnvPublicKey, k.PublicKey)
	if got, ok, err := KeysFromEnv(); !ok || err != nil || got != k {
		t.Fatalf("valid pair: %v %v %v", got, ok, err)
	}

	// Padded standard base64 is normalized.
	pub, _ := base64.RawURLEncoding.DecodeString(k.PublicKey)
	priv, _ := base64.RawURLEncoding.DecodeString(k.PrivateKey)
	t.Setenv(EnvPublicKey, " "+base64.StdEncoding.EncodeToString(pub)+"\n")
	t.Setenv(EnvPrivateKey, base64.URLEncoding.EncodeToString(priv))
	if got, ok, err := KeysFromEnv(); !ok || err != nil || got != k {
		t.Fatalf("padded pair: %v %v %v", got, ok, err)
	}
}

func TestValidateSubject(t *testing.T) {
	good := []string{"mailto:ops@pocketcampfire.org", "https://chat.pocketcampfire.org", "https://chat.pocketcampfire.org/contact"}
	bad := []string{
		"", "ops@pocketcampfire.org", "mailto:", "mailto:ops", "mailto:Ops <ops@pocketcampfire.org>",
		"mailto:admin@example.com", "mailto:a@mail.example.org", "mailto:a@localhost", "mailto:a@campfire.test",
		"https://example.com", "https://www.example.net/x", "https://localhost", "https://127.0.0.1",
		"http://chat.pocketcampfire.org", "https://", "https://user@chat.pocketcampfire.org",
	}
	for _, s := range good {
		if err := ValidateSubject(s); err != nil {
			t.Errorf("%q refused: %v", s, err)
		}
	}
	for _, s := range bad {
		if ValidateSubject(s) == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestDefaultCheckEndpoint(t *testing.T) {
	if err := DefaultCheckEndpoint(t.Context(), "https://fcm.googleapis.com/fcm/send/abc:def"); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"http://fcm.googleapis.com/x", "https:///x", "https://u:p@host/x", "ftp://host/x", "not a url", "//host/x", "https://host/" + strings.Repeat("a", MaxEndpointLength)} {
		if DefaultCheckEndpoint(t.Context(), e) == nil {
			t.Errorf("%q accepted", e)
		}
	}
}

func TestSubscriptionValidate(t *testing.T) {
	d := newDevice(t, "https://push.pocketcampfire.org/x")
	if err := d.sub.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []Subscription{
		{P256dh: d.sub.P256dh, Auth: d.sub.Auth},
		{Endpoint: d.sub.Endpoint, P256dh: d.sub.P256dh[:20], Auth: d.sub.Auth},
		{Endpoint: d.sub.Endpoint, P256dh: d.sub.P256dh, Auth: d.sub.Auth[:10]},
		{Endpoint: d.sub.Endpoint, P256dh: base64.RawURLEncoding.EncodeToString(append([]byte{4}, make([]byte, 64)...)), Auth: d.sub.Auth},
	}
	for i, s := range bad {
		if err := s.Validate(); !errors.Is(err, ErrInvalidSubscription) {
			t.Errorf("%d: got %v", i, err)
		}
	}
}
