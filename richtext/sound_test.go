package richtext

import "testing"

func TestSoundCommand(t *testing.T) {
	cases := []struct {
		in      string
		name    string
		command bool
	}{
		{"/play tada", "tada", true},
		{"  /play   tada  ", "tada", true},
		{"/play\u00a0tada", "tada", true},
		{"/play rimshot_2", "rimshot_2", true},
		{"/play", "", true},
		{" /play \n", "", true},
		{"/play Tada", "", false},
		{"/play tada now", "", false},
		{"/play ta-da", "", false},
		{"/playtada", "", false},
		{"/plays", "", false},
		{"please /play tada", "", false},
		{"/Play tada", "", false},
		{"play tada", "", false},
		{"", "", false},
		{"/play tadá", "", false},
	}
	for _, tc := range cases {
		name, cmd := SoundCommand(tc.in)
		if name != tc.name || cmd != tc.command {
			t.Errorf("SoundCommand(%q) = (%q, %v), want (%q, %v)", tc.in, name, cmd, tc.name, tc.command)
		}
	}
	// The caller passes the plain text of the sanitized body.
	if name, ok := SoundCommand(PlainText(Sanitize(`<div>/play <strong>tada</strong></div>`))); !ok || name != "tada" {
		t.Errorf("from HTML: (%q, %v)", name, ok)
	}
}
