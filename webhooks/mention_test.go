package webhooks

import "testing"

func TestStripBotMention(t *testing.T) {
	tests := []struct {
		name, plain, bot, want string
	}{
		{"leading mention", "@Bender hello there", "Bender", "hello there"},
		{"trailing mention", "hello there @Bender", "Bender", "hello there"},
		{"middle mention", "hello @Bender there", "Bender", "hello there"},
		{"only a mention", "@Bender", "Bender", ""},
		{"every occurrence", "@Bender hi @Bender bye @Bender", "Bender", "hi bye"},
		{"adjacent mentions", "@Bender @Bender hi", "Bender", "hi"},
		{"case-insensitive", "@bENDER do it", "Bender", "do it"},
		{"unicode folding", "@ÉLODIE salut", "élodie", "salut"},
		{"multi-word name", "ping @Test Bot now", "Test Bot", "ping now"},
		{"multi-word name with nbsp", "ping @Test\u00a0Bot now", "Test Bot", "ping now"},
		{"nbsp after mention", "@Bender\u00a0hello", "Bender", "hello"},
		{"punctuation kept", "@Bender, what's up?", "Bender", ", what's up?"},
		{"in parentheses", "ask (@Bender) later", "Bender", "ask () later"},
		{"question", "what do you think @Bender?", "Bender", "what do you think?"},
		{"longer name untouched", "@Benderbot hello", "Bender", "@Benderbot hello"},
		{"email untouched", "mail bender@Bender.com", "Bender", "mail bender@Bender.com"},
		{"other mention kept", "@Alice and @Bender", "Bender", "@Alice and"},
		{"no mention", "  just text \n", "Bender", "just text"},
		{"newlines kept", "line one\n@Bender line two\nline three", "Bender", "line one\nline two\nline three"},
		{"mention ends a line", "look @Bender\nhere", "Bender", "look\nhere"},
		{"unicode spaces trimmed", "\u00a0\u2003@Bender hi\u3000", "Bender", "hi"},
		{"name given with @", "@Bender hi", "@Bender", "hi"},
		{"empty name", "  @Bender hi ", "", "@Bender hi"},
		{"empty text", "", "Bender", ""},
		{"bare at", "@ Bender", "Bender", "@ Bender"},
		{"partial at end", "hi @Bend", "Bender", "hi @Bend"},
		{"double spaces elsewhere kept", "a  b @Bender c", "Bender", "a  b c"},
		{"invalid utf-8 survives", "\xff @Bender \xfe", "Bender", "\xff \xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripBotMention(tt.plain, tt.bot); got != tt.want {
				t.Fatalf("StripBotMention(%q, %q) = %q, want %q", tt.plain, tt.bot, got, tt.want)
			}
		})
	}
}
