package richtext

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var soundNamePattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// SoundCommand recognises the `/play` command in a message's plain text, so
// that the server can turn "/play tada" into a sound message (SPEC §4).
//
// The whole trimmed text must be "/play" followed by whitespace and one
// lowercase name of [a-z0-9_]+: it returns (name, true). A bare "/play"
// returns ("", true), which asks for the list of sounds. Anything else,
// including "/play Tada" or "/play a b", returns ("", false) and is an
// ordinary message. Whether the name is a known sound is the caller's job.
func SoundCommand(plain string) (name string, isCommand bool) {
	s := strings.TrimSpace(plain)
	rest, ok := strings.CutPrefix(s, "/play")
	if !ok {
		return "", false
	}
	if rest == "" {
		return "", true
	}
	if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsSpace(r) {
		return "", false
	}
	name = strings.TrimSpace(rest)
	if !soundNamePattern.MatchString(name) {
		return "", false
	}
	return name, true
}
