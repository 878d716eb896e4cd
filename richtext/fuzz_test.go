package richtext

import (
	"slices"
	"strings"
	"testing"
)

// Seeds beyond these live in testdata/fuzz/<FuzzName>/.

func FuzzSanitize(f *testing.F) {
	for _, tc := range xssCorpus {
		f.Add(tc.in)
	}
	f.Add(`<div>see http://example.com/a_(b)). and www.foo.com, <b>@Ann</b></div>`)
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if err := checkSafe(out); err != nil {
			t.Fatalf("Sanitize(%q) = %q: %v", in, out, err)
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("Sanitize not idempotent for %q:\n first %q\nsecond %q", in, out, again)
		}
		// The derivations must not panic on anything Sanitize produces.
		plain := PlainText(out)
		_ = IsBlank(out)
		_ = MentionIDs(out)
		_, _ = SoundCommand(plain)
		_ = EmojiOnly(plain)
		_ = EmojiOnly(in)
	})
}

func FuzzResolvePlainMentions(f *testing.F) {
	f.Add(`hi @Ann Lee and @ann, @Bob`, "Ann|Ann Lee|Bob|bob")
	f.Add(`<b>@Ann</b>abel x@Ann <code>@Ann</code>`, "Ann|Annabel")
	f.Add(span(idOut, "@Ann")+` @Chloé`, "Ann|CHLOÉ")
	f.Fuzz(func(t *testing.T, body, names string) {
		var members []Member
		ids := []string{idAnn, idAnnLee, idBob1, idBob2, idChloe, idAnnSm1, idAnnSm2}
		for i, name := range strings.Split(names, "|") {
			if i >= 2*len(ids) {
				break
			}
			// Some members share an id, so duplicates are exercised too.
			members = append(members, Member{ID: ids[i%len(ids)], Name: name})
		}
		isMember := map[string]bool{}
		for _, m := range members {
			isMember[m.ID] = true
		}

		in := Sanitize(body)
		out, got := ResolvePlainMentions(in, members)
		if err := checkSafe(out); err != nil {
			t.Fatalf("ResolvePlainMentions(%q) = %q: %v", in, out, err)
		}
		for _, id := range got {
			if !isMember[id] {
				t.Fatalf("non-member %s mentioned in %q", id, out)
			}
		}
		if m := MentionIDs(out); !slices.Equal(m, got) {
			t.Fatalf("returned ids %v, body has %v", got, m)
		}
		again, got2 := ResolvePlainMentions(out, members)
		if again != out || !slices.Equal(got, got2) {
			t.Fatalf("not idempotent for %q:\n first %q\nsecond %q", in, out, again)
		}
		b := Prepare(body, members)
		if b.HTML != out || !slices.Equal(b.Mentions, got) {
			t.Fatalf("Prepare(%q) = %q %v, steps = %q %v", body, b.HTML, b.Mentions, out, got)
		}
	})
}
