package richtext

import (
	"strings"
	"sync"
	"testing"
)

const linkAttrsHTML = `rel="noopener noreferrer nofollow" target="_blank"`

// anyOutput marks corpus entries whose exact output does not matter, only
// that it is safe.
const anyOutput = "\x00any"

// xssCorpus is a list of classic stored-XSS vectors. Every one must come out
// of Sanitize as allow-listed markup only, and sanitizing again must change
// nothing. want, when set, is the exact expected output.
var xssCorpus = []struct {
	name, in, want string
}{
	{"script", `<script>alert(1)</script>`, ``},
	{"script upper src", `<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>`, ``},
	{"script split", `<scr<script>ipt>alert(1)</scr</script>ipt>`, `ipt&gt;alert(1)ipt&gt;`},
	{"script in text", `hello<script>alert(1)</script>world`, `helloworld`},
	{"script unclosed", `<script>alert(1)`, ``},
	{"script nul", "<scr\x00ipt>alert(1)</scr\x00ipt>", `alert(1)`},
	{"double lt", `<<script>alert(1);//<</script>`, `&lt;`},
	{"attribute breakout", `"><script>alert(1)</script>`, `&#34;&gt;`},
	{"closing tags first", `</div></body></html><script>alert(1)</script>`, ``},
	{"img onerror", `<img src=x onerror=alert(1)>`, ``},
	{"img javascript src", `<IMG SRC="javascript:alert('XSS');">`, ``},
	{"img quot entity", `<img src=javascript:alert(&quot;XSS&quot;)>`, ``},
	{"img malformed quotes", `<IMG """><SCRIPT>alert("XSS")</SCRIPT>">`, `&#34;&gt;`},
	{"img eval src", `<img src=x:alert(alt) onerror=eval(src) alt=0>`, ``},
	{"img in link", `<a href="http://ok.com/"><img src=x onerror=alert(1)></a>`, `<a href="http://ok.com/" ` + linkAttrsHTML + `></a>`},
	{"href javascript", `<a href="javascript:alert(1)">x</a>`, `x`},
	{"href javascript mixed case", `<a href="JaVaScRiPt:alert(1)">x</a>`, `x`},
	{"href javascript leading space", `<a href=" javascript:alert(1)">x</a>`, `x`},
	{"href javascript tab entity", `<a href="java&#x09;script:alert(1)">x</a>`, `x`},
	{"href javascript newline entity", `<a href="java&#x0A;script:alert(1)">x</a>`, `x`},
	{"href javascript padded entity", `<a href="java&#0000009;script:alert(1)">x</a>`, `x`},
	{"href javascript cr entity", `<a href="jav&#x0D;ascript:alert(1)">x</a>`, `x`},
	{"href javascript decimal entities", `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`, `x`},
	{"href javascript hex entities no semicolon", `<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>`, `x`},
	{"href javascript colon entity", `<a href="javascript&colon;alert(1)">x</a>`, `x`},
	{"href control char prefix", `<a href="&#14;javascript:alert(1)">x</a>`, `x`},
	{"href nul inside", "<a href=\"ja\x00vascript:alert(1)\">x</a>", `x`},
	{"href vbscript", `<a href="vbscript:msgbox(1)">x</a>`, `x`},
	{"href data html base64", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, `x`},
	{"href data html", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, `x`},
	{"href protocol relative", `<a href="//evil.com/x">x</a>`, `x`},
	{"href relative", `<a href="/relative">x</a>`, `x`},
	{"href http without host", `<a href="http:evil.com">x</a>`, `x`},
	{"href empty", `<a href="">x</a>`, `x`},
	{"link event handlers", `<a href="http://ok.com" onclick="alert(1)" onmouseover=alert(1)>x</a>`,
		`<a href="http://ok.com" ` + linkAttrsHTML + `>x</a>`},
	{"link style", `<a href="http://ok.com" style="position:fixed;top:0">x</a>`,
		`<a href="http://ok.com" ` + linkAttrsHTML + `>x</a>`},
	{"link target and rel overridden", `<a href="http://ok.com" target="_self" rel="opener">x</a>`,
		`<a href="http://ok.com" ` + linkAttrsHTML + `>x</a>`},
	{"link formaction", `<a href="http://ok.com" formaction="javascript:alert(1)">x</a>`,
		`<a href="http://ok.com" ` + linkAttrsHTML + `>x</a>`},
	{"link quote breakout in text", `<a href="http://ok.com">http://ok.com" onmouseover="alert(1)</a>`,
		`<a href="http://ok.com" ` + linkAttrsHTML + `>http://ok.com&#34; onmouseover=&#34;alert(1)</a>`},
	{"link other attributes", `<a href="http://a.com/" id="x" name="y" class="z" data-x="1">x</a>`,
		`<a href="http://a.com/" ` + linkAttrsHTML + `>x</a>`},
	{"svg onload", `<svg onload=alert(1)>`, ``},
	{"svg script", `<svg><script>alert(1)</script></svg>`, ``},
	{"svg xlink", `<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>`, ``},
	{"svg animate", `<svg><animate onbegin=alert(1) attributeName=x dur=1s>`, ``},
	{"svg style mxss", `<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">`, anyOutput},
	{"math mglyph mxss", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, ``},
	{"math xlink", `<math><mi xlink:href="javascript:alert(1)">x</mi></math>`, ``},
	{"p svg p style", `<p><svg><p><style><img src=x onerror=alert(1)>`, `<p></p>`},
	{"noscript title", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, `&#34;&gt;`},
	{"style import", `<style>@import 'http://evil/xss.css';</style>`, ``},
	{"style attr url", `<div style="background:url(javascript:alert(1))">x</div>`, `<div>x</div>`},
	{"style attr expression", `<div style="width: expression(alert(1))">x</div>`, `<div>x</div>`},
	{"iframe javascript", `<iframe src="javascript:alert(1)"></iframe>`, ``},
	{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, ``},
	{"object data", `<object data="javascript:alert(1)"></object>`, ``},
	{"object param", `<object><param name=x value=javascript:alert(1)></object>`, ``},
	{"embed", `<embed src="data:image/svg+xml;base64,PHN2Zz4=">`, ``},
	{"form action", `<form action="javascript:alert(1)"><input type=submit></form>`, ``},
	{"button formaction", `<form><button formaction="javascript:alert(1)">x</button></form>`, `x`},
	{"input autofocus", `<input onfocus=alert(1) autofocus>`, ``},
	{"isindex", `<isindex action=javascript:alert(1) type=image>`, ``},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, ``},
	{"meta refresh data", `<meta http-equiv="refresh" content="0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">`, ``},
	{"link stylesheet", `<link rel="stylesheet" href="http://evil/x.css">`, ``},
	{"base href", `<base href="javascript:alert(1)//">`, ``},
	{"body onload", `<body onload=alert(1)>`, ``},
	{"details ontoggle", `<details open ontoggle=alert(1)>`, ``},
	{"video source onerror", `<video><source onerror="alert(1)">`, ``},
	{"audio onerror", `<audio src=x onerror=alert(1)>`, ``},
	{"marquee onstart", `<marquee onstart=alert(1)>`, ``},
	{"div event handler", `<div onmouseover="alert(1)">x</div>`, `<div>x</div>`},
	{"div other attributes", `<div id="app" class="evil" dir="rtl" lang="x">x</div>`, `<div>x</div>`},
	{"comment", `<!--<img src=x onerror=alert(1)>-->`, ``},
	{"conditional comment", `<!--[if gte IE 4]><script>alert(1)</script><![endif]-->`, ``},
	{"cdata", `<![CDATA[<script>alert(1)</script>]]>`, `alert(1)]]&gt;`},
	{"cdata in div", `<div><![CDATA[ ]]><img src=x onerror=alert(1)>]]></div>`, `<div>]]&gt;</div>`},
	{"processing instruction", `<?xml version="1.0"?><div>x</div>`, `<div>x</div>`},
	{"textarea", `<textarea><script>alert(1)</script></textarea>`, ``},
	{"title", `<title><script>alert(1)</script></title>`, ``},
	{"xmp", `<xmp><img src=x onerror=alert(1)></xmp>`, ``},
	{"plaintext", `<plaintext><img src=x onerror=alert(1)>`, `&lt;img src=x onerror=alert(1)&gt;`},
	{"template", `<template><img src=x onerror=alert(1)></template>`, ``},
	{"select style", `<select><style></select><img src=x onerror=alert(1)></style>`, anyOutput},
	{"mention onmouseover", `<span class="mention" data-user-id="abcdefghijklmno" onmouseover="alert(1)">@x</span>`,
		`<span class="mention" data-user-id="abcdefghijklmno">@x</span>`},
	{"mention style", `<span class="mention" data-user-id="abcdefghijklmno" style="background:url(javascript:alert(1))">@x</span>`,
		`<span class="mention" data-user-id="abcdefghijklmno">@x</span>`},
	{"mention extra class", `<span class="mention x" data-user-id="abcdefghijklmno">@x</span>`, `<span>@x</span>`},
	{"mention quote injection", `<span class="mention" data-user-id="abc&quot; onclick=&quot;alert(1)">@x</span>`, `<span>@x</span>`},
	{"mention bad id and extras", `<span class="mention" data-user-id="ABCDEFGHIJKLMNO" data-evil="1" id="x">@x</span>`, `<span>@x</span>`},
	{"mention id only", `<span data-user-id="abcdefghijklmno">@x</span>`, `<span>@x</span>`},
	{"unclosed nested", `<b onmouseover=alert(1)>unclosed <i>nested <a href="http://ok.com">`,
		`<b>unclosed <i>nested <a href="http://ok.com" ` + linkAttrsHTML + `></a></i></b>`},
	{"tag in attribute-looking text", `<div <script>alert(1)</script>>`, `<div>alert(1)&gt;</div>`},
	{"autolink quote breakout", `<div>http://x.com/"onmouseover="alert(1)</div>`,
		`<div><a href="http://x.com/" ` + linkAttrsHTML + `>http://x.com/</a>&#34;onmouseover=&#34;alert(1)</div>`},
	{"autolink escaped script", `<div>www.example.com/&lt;script&gt;alert(1)&lt;/script&gt;</div>`,
		`<div><a href="https://www.example.com/" ` + linkAttrsHTML + `>www.example.com/</a>&lt;script&gt;alert(1)&lt;/script&gt;</div>`},
	{"javascript as text", `<div>javascript:alert(1)</div>`, `<div>javascript:alert(1)</div>`},
	{"mailto javascript", `<a href="mailto:javascript:alert(1)">x</a>`,
		`<a href="mailto:javascript:alert(1)" ` + linkAttrsHTML + `>x</a>`},
	{"frameset", `<frameset onload=alert(1)><frame src="javascript:alert(1)"></frameset>`, ``},
	{"entity escaped tag", `&lt;img src=x onerror=alert(1)&gt;`, `&lt;img src=x onerror=alert(1)&gt;`},
}

func TestSanitizeXSSCorpus(t *testing.T) {
	if len(xssCorpus) < 60 {
		t.Fatalf("corpus has %d vectors, want at least 60", len(xssCorpus))
	}
	for _, tc := range xssCorpus {
		t.Run(tc.name, func(t *testing.T) {
			out := Sanitize(tc.in)
			if err := checkSafe(out); err != nil {
				t.Fatalf("Sanitize(%q) = %q: %v", tc.in, out, err)
			}
			if again := Sanitize(out); again != out {
				t.Errorf("not idempotent:\n first %q\nsecond %q", out, again)
			}
			if tc.want != anyOutput && out != tc.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tc.in, out, tc.want)
			}
		})
	}
}

func TestSanitizeKeepsTrixMarkup(t *testing.T) {
	link := func(href, text string) string {
		return `<a href="` + href + `" ` + linkAttrsHTML + `>` + text + `</a>`
	}
	cases := []struct{ in, want string }{
		{`<div>Hello</div>`, `<div>Hello</div>`},
		{`<div>a<br>b</div>`, `<div>a<br/>b</div>`},
		{`<div><strong>b</strong> <em>i</em> <del>s</del></div>`, `<div><strong>b</strong> <em>i</em> <del>s</del></div>`},
		{`<b>b</b><i>i</i><s>s</s><strike>k</strike><code>c</code>`, `<b>b</b><i>i</i><s>s</s><strike>k</strike><code>c</code>`},
		{`<h1>Title</h1><blockquote>quote</blockquote>`, `<h1>Title</h1><blockquote>quote</blockquote>`},
		{`<pre>x := 1
y</pre>`, "<pre>x := 1\ny</pre>"},
		{`<ul><li>a</li><li>b</li></ul><ol><li>c</li></ol>`, `<ul><li>a</li><li>b</li></ul><ol><li>c</li></ol>`},
		{`<p>para</p>`, `<p>para</p>`},
		{`<figure class="attachment"><figcaption>cap</figcaption></figure>`, `<figure><figcaption>cap</figcaption></figure>`},
		{`<a href="https://example.com/a?b=c&amp;d=e#f">ex</a>`, link("https://example.com/a?b=c&amp;d=e#f", "ex")},
		{`<a href="HTTPS://Example.com">ex</a>`, link("https://Example.com", "ex")},
		{`<a href="mailto:ann@example.com">mail</a>`, link("mailto:ann@example.com", "mail")},
		{`<a href="https://example.com/Äpfel">ä</a>`, link("https://example.com/%C3%84pfel", "ä")},
		{`<span class="mention" data-user-id="abcdefghijklmno">@Ann</span>`, `<span class="mention" data-user-id="abcdefghijklmno">@Ann</span>`},
		{`<u>under</u><font color=red>f</font><h2>h2</h2>`, `underfh2`},
		{`Tom &amp; Jerry &lt;3`, `Tom &amp; Jerry &lt;3`},
		{`<div>&nbsp;</div>`, "<div>\u00a0</div>"},
		{``, ``},
		{`<div><div>nested</div></div>`, `<div><div>nested</div></div>`},
		{`<b>bold <i>both</b> italic</i>`, `<b>bold <i>both</i></b><i> italic</i>`},
	}
	for _, tc := range cases {
		out := Sanitize(tc.in)
		if out != tc.want {
			t.Errorf("Sanitize(%q)\n got %q\nwant %q", tc.in, out, tc.want)
		}
		if err := checkSafe(out); err != nil {
			t.Errorf("Sanitize(%q) = %q: %v", tc.in, out, err)
		}
		if Sanitize(out) != out {
			t.Errorf("Sanitize not idempotent on %q", tc.in)
		}
	}
}

func TestSanitizeConcurrent(t *testing.T) {
	in := `<div>hi <a href="https://x.com" onclick="y">x</a> http://example.com <script>z</script></div>`
	want := Sanitize(in)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if got := Sanitize(in); got != want {
					t.Errorf("concurrent Sanitize = %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestMaxRawBodyBytes(t *testing.T) {
	if MaxRawBodyBytes != 100000 {
		t.Fatalf("MaxRawBodyBytes = %d", MaxRawBodyBytes)
	}
}

func TestSanitizeDeepNesting(t *testing.T) {
	link := `<a href="http://x.com" ` + linkAttrsHTML + `>http://x.com</a>`
	cases := []struct{ name, in, want string }{
		// Deeper than the HTML parser accepts: the words survive, formatting does not.
		{"beyond parser limit", strings.Repeat("<div>", 600) + "hello http://x.com", "hello " + link},
		{"beyond maxDepth", strings.Repeat("<b>", maxDepth+2) + "deep", "deep"},
		{"below maxDepth", strings.Repeat("<i>", maxDepth-1) + "x http://x.com",
			strings.Repeat("<i>", maxDepth-1) + "x " + link + strings.Repeat("</i>", maxDepth-1)},
		// Text at the limit keeps its formatting but is not wrapped any deeper.
		{"at maxDepth", strings.Repeat("<i>", maxDepth) + "x http://x.com",
			strings.Repeat("<i>", maxDepth) + "x http://x.com" + strings.Repeat("</i>", maxDepth)},
	}
	for _, tc := range cases {
		out := Sanitize(tc.in)
		if out != tc.want {
			t.Errorf("%s: got %q\nwant %q", tc.name, out, tc.want)
		}
		if err := checkSafe(out); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if again := Sanitize(out); again != out {
			t.Errorf("%s: not idempotent", tc.name)
		}
		html, _ := ResolvePlainMentions(out+" @Ann", testMembers)
		if Sanitize(html) != html {
			t.Errorf("%s: resolved body not stable under Sanitize", tc.name)
		}
	}
}
