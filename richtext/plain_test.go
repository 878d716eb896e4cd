package richtext

import "testing"

func TestPlainText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", ``, ``},
		{"text", `hello`, `hello`},
		{"trix lines", `<div>Hello<br>world</div><div><br></div><div>again</div>`, "Hello\nworld\n\nagain"},
		{"divs", `<div>a</div><div>b</div>`, "a\nb"},
		{"text after block", `<div>a</div>b`, "a\nb"},
		{"paragraphs", `<p>a</p><p>b</p>`, "a\n\nb"},
		{"entities", `<div>Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&#39;</div>`, `Tom & Jerry <3 "x" 'y'`},
		{"nbsp", `a&nbsp;b&nbsp;`, "a b"},
		{"whitespace collapses", "<div>  a \n\t b  </div>", "a b"},
		{"inline formatting", `<strong>bold</strong> and <em>it</em><del>x</del>`, "bold and itx"},
		{"link text", `<a href="https://x.com" rel="noopener noreferrer nofollow" target="_blank">site</a>`, "site"},
		{"mention", `hi <span class="mention" data-user-id="abcdefghijklmno">@Ann Lee</span>!`, "hi @Ann Lee!"},
		{"mention without at", `<span class="mention" data-user-id="abcdefghijklmno">Ann</span>`, "@Ann"},
		{"bare span", `<span>Ann</span>`, "Ann"},
		{"heading and quote", `<h1>Title</h1><blockquote>quoted</blockquote>text`, "Title\nquoted\ntext"},
		{"unordered list", `<ul><li>a</li><li>b</li></ul>`, "• a\n• b"},
		{"ordered list", `<ol><li>a</li><li>b</li></ol>`, "1. a\n2. b"},
		{"nested list", `<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>`, "• a\n  • b\n• c"},
		{"list after text", `intro<ul><li> a</li></ul>outro`, "intro\n• a\noutro"},
		{"empty list items", `<ul><li></li><li>b</li></ul>`, "•\n• b"},
		{"pre keeps spaces", "<pre>a\n  b   c</pre>", "a\n  b   c"},
		{"pre entities", "<pre>&lt;b&gt;</pre>", "<b>"},
		{"many blank lines", `x<br><br><br><br><br>y`, "x\n\ny"},
		{"leading breaks", `<div><br></div><div><br></div><div>x</div><div><br></div>`, "x"},
		{"only breaks", `<div><br></div>`, ""},
		{"figure", `<figure><figcaption>cap</figcaption></figure>after`, "cap\nafter"},
	}
	for _, tc := range cases {
		if got := PlainText(Sanitize(tc.in)); got != tc.want {
			t.Errorf("%s: PlainText(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestIsBlank(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{``, true},
		{`   `, true},
		{`<div><br></div>`, true},
		{`<div><br></div><div><br></div>`, true},
		{`&nbsp; &nbsp;`, true},
		{"\u200b\ufeff\u200d", true},
		{`<div><strong> </strong></div>`, true},
		{`<script>alert(1)</script>`, true},
		{`<img src=x>`, true},
		{`<a href="https://x.com"></a>`, true},
		{`x`, false},
		{`<div>.</div>`, false},
		{`👍`, false},
		{`<span class="mention" data-user-id="abcdefghijklmno"></span>`, false},
		{`<span data-user-id="abcdefghijklmno"></span>`, true},
	}
	for _, tc := range cases {
		if got := IsBlank(Sanitize(tc.in)); got != tc.want {
			t.Errorf("IsBlank(Sanitize(%q)) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
