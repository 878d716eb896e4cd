package richtext

import "testing"

func TestEmojiOnly(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"👍", true},
		{"😀😃😄", true},
		{" 🎉 \n 🎉 ", true},
		{"👍🏽", true},       // skin tone
		{"👋🏿👋🏻", true},     // two skin tones
		{"🇫🇷", true},       // flag
		{"🇫🇷🇩🇪", true},     // two flags
		{"👩‍👩‍👧‍👦", true},  // ZWJ family
		{"🏳️‍🌈", true},     // ZWJ with variation selector
		{"👩🏽‍💻", true},     // skin tone inside ZWJ
		{"❤️", true},       // text symbol with VS16
		{"❤️‍🔥", true},     // ZWJ after VS16
		{"☺️", true},       // text symbol with VS16
		{"⭐", true},        // BMP emoji presentation
		{"1️⃣", true},      // keycap
		{"#⃣", true},       // keycap without VS16
		{"🏴󠁧󠁢󠁳󠁣󠁴󠁿", true},  // tag sequence
		{"🙂\u200b", false}, // zero-width space is not whitespace
		{"", false},
		{"   ", false},
		{"❤", false}, // text presentation
		{"©", false},
		{"1", false},
		{"#", false},
		{"hi 👍", false},
		{"👍!", false},
		{"ok", false},
		{"🏴󠁧󠁢", false}, // unterminated tag sequence
		{"😀\u200d", false},
		{"→", false},
	}
	for _, tc := range cases {
		if got := EmojiOnly(tc.in); got != tc.want {
			t.Errorf("EmojiOnly(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
