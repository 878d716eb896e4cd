package richtext

import "testing"

func TestAutolink(t *testing.T) {
	a := func(href, text string) string {
		return `<a href="` + href + `" ` + linkAttrsHTML + `>` + text + `</a>`
	}
	cases := []struct{ name, in, want string }{
		{"plain http", `see http://example.com`, `see ` + a("http://example.com", "http://example.com")},
		{"https with path and query", `https://example.com/a/b?x=1&amp;y=2#frag`, a("https://example.com/a/b?x=1&amp;y=2#frag", "https://example.com/a/b?x=1&amp;y=2#frag")},
		{"trailing period", `Go to http://example.com.`, `Go to ` + a("http://example.com", "http://example.com") + `.`},
		{"trailing comma and text", `http://example.com, then`, a("http://example.com", "http://example.com") + `, then`},
		{"trailing exclamation", `Visit https://example.com/!`, `Visit ` + a("https://example.com/", "https://example.com/") + `!`},
		{"trailing question and quote", `is it 'https://example.com/x'?`, `is it &#39;` + a("https://example.com/x", "https://example.com/x") + `&#39;?`},
		{"in parentheses", `(see https://example.com/a)`, `(see ` + a("https://example.com/a", "https://example.com/a") + `)`},
		{"balanced parentheses kept", `https://en.wikipedia.org/wiki/Go_(language)`, a("https://en.wikipedia.org/wiki/Go_(language)", "https://en.wikipedia.org/wiki/Go_(language)")},
		{"balanced then unbalanced", `(https://w.org/a_(b)).`, `(` + a("https://w.org/a_(b)", "https://w.org/a_(b)") + `).`},
		{"brackets", `[https://example.com]`, `[` + a("https://example.com", "https://example.com") + `]`},
		{"www", `www.example.com`, a("https://www.example.com", "www.example.com")},
		{"www uppercase", `WWW.Example.COM/x`, a("https://WWW.Example.COM/x", "WWW.Example.COM/x")},
		{"scheme uppercase", `HTTPS://EXAMPLE.COM`, a("https://EXAMPLE.COM", "HTTPS://EXAMPLE.COM")},
		{"two links", `http://a.com and https://b.com`, a("http://a.com", "http://a.com") + ` and ` + a("https://b.com", "https://b.com")},
		{"port and semicolon", `http://example.com:8080/x;y`, a("http://example.com:8080/x;y", "http://example.com:8080/x;y")},
		{"unicode path", `https://de.wikipedia.org/wiki/Äpfel`, a("https://de.wikipedia.org/wiki/%C3%84pfel", "https://de.wikipedia.org/wiki/Äpfel")},
		{"stops at emoji", `https://example.com/🎉`, a("https://example.com/", "https://example.com/") + `🎉`},
		{"stops at curly quote", `“https://example.com”`, `“` + a("https://example.com", "https://example.com") + `”`},
		{"stops at lt", `http://a.com/&lt;b&gt;`, a("http://a.com/", "http://a.com/") + `&lt;b&gt;`},
		{"stops at nbsp", "http://a.com\u00a0x", a("http://a.com", "http://a.com") + "\u00a0x"},
		{"in formatting", `<b>http://a.com</b>`, `<b>` + a("http://a.com", "http://a.com") + `</b>`},
		{"in list", `<ul><li>www.a.com</li></ul>`, `<ul><li>` + a("https://www.a.com", "www.a.com") + `</li></ul>`},
		{"trailing underscore", `http://a.com/x_`, a("http://a.com/x", "http://a.com/x") + `_`},

		{"not in code", `<code>http://a.com</code>`, `<code>http://a.com</code>`},
		{"not in pre", `<pre>www.a.com</pre>`, `<pre>www.a.com</pre>`},
		{"not in link", `<a href="https://b.com">see http://a.com</a>`, a("https://b.com", "see http://a.com")},
		{"not in mention", `<span class="mention" data-user-id="abcdefghijklmno">@http://a.com</span>`, `<span class="mention" data-user-id="abcdefghijklmno">@http://a.com</span>`},
		{"not glued to a word", `xhttp://a.com`, `xhttp://a.com`},
		{"not after dot", `foo.www.example.com`, `foo.www.example.com`},
		{"not in email", `user@www.example.com`, `user@www.example.com`},
		{"not in path", `a.com/www.b.com`, `a.com/www.b.com`},
		{"scheme only", `http:// nothing`, `http:// nothing`},
		{"scheme and punctuation", `https://.`, `https://.`},
		{"www without domain", `www.example`, `www.example`},
		{"www alone", `www. www.. www`, `www. www.. www`},
		{"www with userinfo", `www.a.com@evil.com`, `www.a.com@evil.com`},
		{"javascript not linked", `javascript:alert(1)`, `javascript:alert(1)`},
		{"ftp not linked", `ftp://a.com`, `ftp://a.com`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := Sanitize(tc.in)
			if out != tc.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tc.in, out, tc.want)
			}
			if err := checkSafe(out); err != nil {
				t.Error(err)
			}
			if again := Sanitize(out); again != out {
				t.Errorf("not idempotent: %q -> %q", out, again)
			}
		})
	}
}
