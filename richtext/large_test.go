package richtext

import (
	"strings"
	"testing"
)

// TestLargeInputs feeds pathological bodies near MaxRawBodyBytes (deep
// nesting, thousands of links, mentions and elements) through every function:
// the output must stay safe and stable, and nothing may panic.
func TestLargeInputs(t *testing.T) {
	inputs := map[string]string{
		"deep div with text": strings.Repeat("<div>", 20000) + "text",
		"deep formatting":    strings.Repeat("<b><i>", 5000) + "text",
		"deep links":         strings.Repeat(`<a href="http://x.com">`, 4000),
		"reconstructed":      strings.Repeat("<p><b>x", 8000),
		"many urls":          strings.Repeat("http://x.com ", 7000),
		"many www":           strings.Repeat("www.", 24000),
		"long url":           "http://" + strings.Repeat("a", 99000),
		"many at":            strings.Repeat("@Ann Lee ", 11000),
		"many mentions":      strings.Repeat(span(idAnn, "@Ann"), 1400),
		"many breaks":        strings.Repeat("<br>", 24000),
		"many lists":         strings.Repeat("<ul><li>", 8000) + "x",
	}
	for name, in := range inputs {
		if len(in) > MaxRawBodyBytes+10000 {
			t.Fatalf("%s: input too large (%d)", name, len(in))
		}
		b := Prepare(in, testMembers)
		if err := checkSafe(b.HTML); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		out := Sanitize(in)
		if again := Sanitize(out); again != out {
			t.Errorf("%s: Sanitize not idempotent", name)
		}
		if again, _ := ResolvePlainMentions(b.HTML, testMembers); again != b.HTML {
			t.Errorf("%s: ResolvePlainMentions not idempotent", name)
		}
		_ = PlainText(b.HTML)
	}
}

var benchBody = `<div>Morning <span class="mention" data-user-id="ann000000000001">@Ann</span>! ` +
	`The deploy of <strong>v2.3</strong> is done, notes at https://example.com/releases/v2.3 ` +
	`and the dashboard www.example.org/d/42.<br>Ping @Ann Lee if anything looks off.</div>` +
	`<ul><li>faster search</li><li><em>fewer</em> bugs</li></ul><div><br></div>`

func BenchmarkSanitize(b *testing.B) {
	for b.Loop() {
		Sanitize(benchBody)
	}
}

func BenchmarkPrepare(b *testing.B) {
	for b.Loop() {
		Prepare(benchBody, testMembers)
	}
}
