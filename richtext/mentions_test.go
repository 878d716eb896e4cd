package richtext

import (
	"slices"
	"strings"
	"testing"
)

const (
	idAnn    = "ann000000000001"
	idAnnLee = "annlee000000002"
	idBob1   = "bob000000000003"
	idBob2   = "bob000000000004"
	idChloe  = "chloe0000000005"
	idOut    = "outsider0000006"
	idAnnSm1 = "annsmith0000007"
	idAnnSm2 = "annsmith0000008"
)

var testMembers = []Member{
	{ID: idAnn, Name: "Ann"},
	{ID: idAnnLee, Name: "Ann Lee"},
	{ID: idBob1, Name: "Bob"},
	{ID: idBob2, Name: "bob"}, // two Bobs: "@Bob" is ambiguous
	{ID: idChloe, Name: "Chloé"},
	{ID: idAnnSm1, Name: "Ann Smith"},
	{ID: idAnnSm2, Name: "Ann  Smith"}, // same name, other spacing: ambiguous
	{ID: "BAD", Name: "Mallory"},       // not a record id: ignored
}

func span(id, text string) string {
	return `<span class="mention" data-user-id="` + id + `">` + text + `</span>`
}

func TestResolvePlainMentions(t *testing.T) {
	cases := []struct {
		name, in, want string
		ids            []string
	}{
		{"simple", `hi @Ann`, `hi ` + span(idAnn, "@Ann"), []string{idAnn}},
		{"longest first", `@Ann Lee hi`, span(idAnnLee, "@Ann Lee") + ` hi`, []string{idAnnLee}},
		{"shorter when longer not written", `@Ann hi`, span(idAnn, "@Ann") + ` hi`, []string{idAnn}},
		{"case insensitive, canonical name", `@ann lee!`, span(idAnnLee, "@Ann Lee") + `!`, []string{idAnnLee}},
		{"unicode case fold", `@CHLOÉ?`, span(idChloe, "@Chloé") + `?`, []string{idChloe}},
		{"nbsp between words", `@Ann&nbsp;Lee`, span(idAnnLee, "@Ann Lee"), []string{idAnnLee}},
		{"punctuation after", `@Ann, @Ann. (@Ann) @Ann's`,
			span(idAnn, "@Ann") + `, ` + span(idAnn, "@Ann") + `. (` + span(idAnn, "@Ann") + `) ` + span(idAnn, "@Ann") + `&#39;s`,
			[]string{idAnn}},
		{"order and uniqueness", `@Chloé @Ann @Chloé`,
			span(idChloe, "@Chloé") + ` ` + span(idAnn, "@Ann") + ` ` + span(idChloe, "@Chloé"),
			[]string{idChloe, idAnn}},
		{"ambiguous", `@Bob hi`, `@Bob hi`, nil},
		{"ambiguous longest blocks shorter", `@Ann Smith hi`, `@Ann Smith hi`, nil},
		{"word boundary", `@Annabel`, `@Annabel`, nil},
		{"longer name not matching falls back", `@Ann Leeward`, span(idAnn, "@Ann") + ` Leeward`, []string{idAnn}},
		{"not inside a word or address", `ann@Ann.com x@Ann`, `ann@Ann.com x@Ann`, nil},
		{"double at", `@@Ann`, `@@Ann`, nil},
		{"unknown name", `@Zed`, `@Zed`, nil},
		{"invalid member id ignored", `@Mallory`, `@Mallory`, nil},
		{"not in code", `<code>@Ann</code>`, `<code>@Ann</code>`, nil},
		{"not in pre", `<pre>@Ann</pre>`, `<pre>@Ann</pre>`, nil},
		{"not in link", `<a href="https://x.com">@Ann</a>`, `<a href="https://x.com" ` + linkAttrsHTML + `>@Ann</a>`, nil},
		{"in formatting", `<strong>@Ann</strong>`, `<strong>` + span(idAnn, "@Ann") + `</strong>`, []string{idAnn}},
		{"boundary across inline element", `<b>@Ann</b>abel`, `<b>@Ann</b>abel`, nil},
		{"word before across inline element", `x<b>@Ann</b>`, `x<b>@Ann</b>`, nil},
		{"block break is a boundary", `<div>x</div><div>@Ann</div>`, `<div>x</div><div>` + span(idAnn, "@Ann") + `</div>`, []string{idAnn}},
		{"br is a boundary", `<div>@Ann<br>Lee</div>`, `<div>` + span(idAnn, "@Ann") + `<br/>Lee</div>`, []string{idAnn}},
		{"existing member span kept", span(idAnnLee, "@Ann Lee") + ` and @Ann`,
			span(idAnnLee, "@Ann Lee") + ` and ` + span(idAnn, "@Ann"), []string{idAnnLee, idAnn}},
		{"non-member span demoted", span(idOut, "@Out") + ` x`, `@Out x`, nil},
		{"demoted text resolves like typed text", span(idOut, "@Ann") + ` x`, span(idAnn, "@Ann") + ` x`, []string{idAnn}},
		{"non-member span without at", span(idOut, "Outsider"), `@Outsider`, nil},
		{"mention spans next to each other", `@Ann@Chloé`, span(idAnn, "@Ann") + `@Chloé`, []string{idAnn}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := Sanitize(tc.in)
			out, ids := ResolvePlainMentions(in, testMembers)
			if out != tc.want {
				t.Errorf("ResolvePlainMentions(%q)\n got %q\nwant %q", in, out, tc.want)
			}
			if !slices.Equal(ids, tc.ids) {
				t.Errorf("ids = %v, want %v", ids, tc.ids)
			}
			if err := checkSafe(out); err != nil {
				t.Error(err)
			}
			if got := MentionIDs(out); !slices.Equal(got, ids) {
				t.Errorf("MentionIDs(out) = %v, ids = %v", got, ids)
			}
			again, ids2 := ResolvePlainMentions(out, testMembers)
			if again != out || !slices.Equal(ids, ids2) {
				t.Errorf("not idempotent: %q -> %q", out, again)
			}
		})
	}
}

func TestResolvePlainMentionsNoMembers(t *testing.T) {
	in := Sanitize(`@Ann ` + span(idAnn, "@Ann"))
	out, ids := ResolvePlainMentions(in, nil)
	if out != `@Ann @Ann` || ids != nil {
		t.Errorf("got %q %v", out, ids)
	}
}

func TestMentionIDs(t *testing.T) {
	body := Sanitize(span(idBob1, "@Bob") + ` <b>` + span(idAnn, "@Ann") + `</b> ` + span(idBob1, "@Bob") +
		`<span class="mention">@x</span><span data-user-id="` + idChloe + `">@c</span>` +
		`<span class="mention" data-user-id="short">@s</span>`)
	if got, want := MentionIDs(body), []string{idBob1, idAnn}; !slices.Equal(got, want) {
		t.Errorf("MentionIDs = %v, want %v", got, want)
	}
	if got := MentionIDs(`no mentions`); got != nil {
		t.Errorf("MentionIDs = %v, want nil", got)
	}
}

func TestFilterMentions(t *testing.T) {
	body := Sanitize(`hi ` + span(idAnn, "@Ann") + ` ` + span(idOut, "@Outsider <b>x</b>") + `!`)
	isMember := func(id string) bool { return id == idAnn }
	got := FilterMentions(body, isMember)
	want := `hi ` + span(idAnn, "@Ann") + ` @Outsider x!`
	if got != want {
		t.Errorf("FilterMentions = %q, want %q", got, want)
	}
	if ids := MentionIDs(got); !slices.Equal(ids, []string{idAnn}) {
		t.Errorf("ids after filter = %v", ids)
	}
	if got := FilterMentions(body, nil); strings.Contains(got, "mention") {
		t.Errorf("nil isMember kept a span: %q", got)
	}
}

func TestPrepare(t *testing.T) {
	raw := `<div>Hey @ann lee, see www.example.com <script>x</script>` + span(idOut, "@Out") + `</div><div><br></div>`
	b := Prepare(raw, testMembers)
	sanitized := Sanitize(raw)
	html, ids := ResolvePlainMentions(sanitized, testMembers)
	if b.HTML != html || !slices.Equal(b.Mentions, ids) || b.Plain != PlainText(html) || b.Blank != IsBlank(html) {
		t.Errorf("Prepare = %+v\nsteps = %q %v", b, html, ids)
	}
	if b.Plain != "Hey @Ann Lee, see www.example.com @Out" || !slices.Equal(b.Mentions, []string{idAnnLee}) || b.Blank {
		t.Errorf("Prepare = %+v", b)
	}
	if b := Prepare(`<div><br></div>`, testMembers); !b.Blank || b.Plain != "" {
		t.Errorf("blank Prepare = %+v", b)
	}
}
