package botkeys

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

const (
	testID    = "abc123def456ghi"
	testToken = "AbCdEfGh1234IjKlMn567890"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for i := 0; i < 200; i++ {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != TokenLength || !validToken(tok) {
			t.Fatalf("bad token %q", tok)
		}
		if seen[tok] {
			t.Fatalf("duplicate token %q", tok)
		}
		seen[tok] = true
		for _, r := range tok {
			counts[r]++
		}
		if _, _, err := Parse(Format(testID, tok)); err != nil {
			t.Fatalf("Parse(Format(id, NewToken())) = %v", err)
		}
	}
	// 4800 characters over 62 symbols: every symbol shows up (expected ~77
	// each; missing one by chance has probability ~62*e^-77).
	if len(counts) != len(alphabet) {
		t.Fatalf("only %d distinct characters in 4800 draws", len(counts))
	}
}

func TestFormat(t *testing.T) {
	if got := Format(testID, testToken); got != testID+"-"+testToken {
		t.Fatalf("Format = %q", got)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		id, token string
		ok        bool
	}{
		{"valid", testID + "-" + testToken, testID, testToken, true},
		{"minimum token", testID + "-abcdefABC123", testID, "abcdefABC123", true},
		{"long token", testID + "-" + strings.Repeat("a", MaxKeyLength-UserIDLength-1), testID, strings.Repeat("a", MaxKeyLength-UserIDLength-1), true},
		{"empty", "", "", "", false},
		{"separator only", "-", "", "", false},
		{"no separator", testID + testToken, "", "", false},
		{"empty id", "-" + testToken, "", "", false},
		{"empty token", testID + "-", "", "", false},
		{"short token", testID + "-abcdefABC12", "", "", false},
		{"short id", "abc123-" + testToken, "", "", false},
		{"long id", testID + "x-" + testToken, "", "", false},
		{"uppercase id", "ABC123DEF456GHI-" + testToken, "", "", false},
		{"id with underscore", "abc123def456gh_-" + testToken, "", "", false},
		{"token with dash", testID + "-" + testToken + "-x", "", "", false},
		{"two separators", testID + "--" + testToken, "", "", false},
		{"token with space", testID + "-" + testToken + " ", "", "", false},
		{"token with slash", testID + "-abc/defABC123", "", "", false},
		{"token non-ascii", testID + "-abcdéfABC1234", "", "", false},
		{"token with nul", testID + "-abcdefABC123\x00", "", "", false},
		{"leading space", " " + testID + "-" + testToken, "", "", false},
		{"legacy key", "42-abcdefABC123", "", "", false},
		{"oversize", testID + "-" + strings.Repeat("a", MaxKeyLength-UserIDLength), "", "", false},
		{"huge", testID + "-" + strings.Repeat("a", 1<<20), "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, token, err := Parse(tt.key)
			if tt.ok {
				if err != nil || id != tt.id || token != tt.token {
					t.Fatalf("Parse = %q, %q, %v; want %q, %q", id, token, err, tt.id, tt.token)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("Parse = %q, %q, %v; want ErrInvalidKey", id, token, err)
			}
			if id != "" || token != "" {
				t.Fatalf("Parse returned parts with an error: %q, %q", id, token)
			}
		})
	}
}

func TestParseErrorDoesNotLeakToken(t *testing.T) {
	secret := "SECRETsecret123"
	for _, key := range []string{testID + "-" + secret + "!", "ABC-" + secret, "0-" + secret} {
		if _, _, err := Parse(key); err == nil || strings.Contains(err.Error(), secret) {
			t.Fatalf("error %v for %q", err, key)
		}
	}
}

func TestParseLegacy(t *testing.T) {
	tests := []struct {
		name  string
		key   string
		id    int64
		token string
		ok    bool
	}{
		{"campfire key", "42-abcdefABC123", 42, "abcdefABC123", true},
		{"one", "1-abcdefABC123xyz", 1, "abcdefABC123xyz", true},
		{"max int64", strconv.FormatInt(math.MaxInt64, 10) + "-abcdefABC123", math.MaxInt64, "abcdefABC123", true},
		{"overflow", "9223372036854775808-abcdefABC123", 0, "", false},
		{"zero", "0-abcdefABC123", 0, "", false},
		{"leading zero", "042-abcdefABC123", 0, "", false},
		{"plus sign", "+42-abcdefABC123", 0, "", false},
		{"negative", "-42-abcdefABC123", 0, "", false},
		{"hex", "0x2a-abcdefABC123", 0, "", false},
		{"pocketbase id", testID + "-" + testToken, 0, "", false},
		{"short token", "42-abcdefABC12", 0, "", false},
		{"empty token", "42-", 0, "", false},
		{"no separator", "42", 0, "", false},
		{"token with dash", "42-abcdefABC123-x", 0, "", false},
		{"spaces", " 42-abcdefABC123", 0, "", false},
		{"oversize", "42-" + strings.Repeat("a", MaxKeyLength), 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, token, err := ParseLegacy(tt.key)
			if tt.ok {
				if err != nil || id != tt.id || token != tt.token {
					t.Fatalf("ParseLegacy = %d, %q, %v; want %d, %q", id, token, err, tt.id, tt.token)
				}
				return
			}
			if !errors.Is(err, ErrInvalidKey) || id != 0 || token != "" {
				t.Fatalf("ParseLegacy = %d, %q, %v; want ErrInvalidKey", id, token, err)
			}
		})
	}
}

func TestHashAndVerify(t *testing.T) {
	// SHA-256("abc"), FIPS 180-2 test vector.
	if got := Hash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("Hash(abc) = %s", got)
	}
	h := Hash(testToken)
	if h == testToken || strings.Contains(h, testToken) {
		t.Fatal("hash contains the token")
	}
	tests := []struct {
		name, token, stored string
		want                bool
	}{
		{"match", testToken, h, true},
		{"uppercase hex still decodes", testToken, strings.ToUpper(h), true},
		{"other token", testToken + "x", h, false},
		{"one char off", "BbCdEfGh1234IjKlMn567890", h, false},
		{"empty token", "", h, false},
		{"empty stored", testToken, "", false},
		{"stored is the token", testToken, testToken, false},
		{"truncated stored", testToken, h[:62], false},
		{"extended stored", testToken, h + "00", false},
		{"non-hex stored", testToken, strings.Repeat("z", 64), false},
		{"empty token and empty-hash", "", Hash(""), true},
	}
	for _, tt := range tests {
		if got := Verify(tt.token, tt.stored); got != tt.want {
			t.Errorf("%s: Verify = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		testID + "-" + testToken,
		testID + "-abcdefABC123",
		"42-abcdefABC123",
		"-", "", "a-b", testID + "--" + testToken,
		testID + "-" + testToken + "-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		id, token, err := Parse(key)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) || id != "" || token != "" {
				t.Fatalf("Parse(%q) = %q, %q, %v", key, id, token, err)
			}
		} else {
			if len(key) > MaxKeyLength {
				t.Fatalf("accepted oversize key of %d bytes", len(key))
			}
			if Format(id, token) != key {
				t.Fatalf("round trip: Format(%q, %q) != %q", id, token, key)
			}
			if len(id) != UserIDLength || strings.ContainsAny(id, "-ABCDEFGHIJKLMNOPQRSTUVWXYZ") || !validToken(token) {
				t.Fatalf("accepted bad parts %q, %q", id, token)
			}
			if !Verify(token, Hash(token)) {
				t.Fatal("Verify(token, Hash(token)) = false")
			}
		}
		lid, ltoken, lerr := ParseLegacy(key)
		if lerr != nil {
			if !errors.Is(lerr, ErrInvalidKey) || lid != 0 || ltoken != "" {
				t.Fatalf("ParseLegacy(%q) = %d, %q, %v", key, lid, ltoken, lerr)
			}
		} else {
			if lid <= 0 || Format(strconv.FormatInt(lid, 10), ltoken) != key {
				t.Fatalf("legacy round trip: %d, %q for %q", lid, ltoken, key)
			}
			// A 15-digit id is both a valid PocketBase id and a valid
			// Campfire id; callers look the PocketBase form up first.
			if err == nil && (token != ltoken || strconv.FormatInt(lid, 10) != id) {
				t.Fatalf("%q parsed two different ways", key)
			}
		}
	})
}
