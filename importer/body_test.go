package importer

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestDecodeSGID(t *testing.T) {
	modern := base64.StdEncoding.EncodeToString([]byte(`{"_rails":{"data":"gid://campfire/User/42","pur":"attachable"}}`)) + "--abc123"
	// before Rails 7.1: a Marshal dump of the GlobalID string, base64, inside _rails.message
	marshal := "\x04\x08I\"\x1agid://campfire/User/7\x06:\x06ET"
	legacy := base64.URLEncoding.EncodeToString([]byte(`{"_rails":{"message":"`+base64.StdEncoding.EncodeToString([]byte(marshal))+
		`","exp":null,"pur":"attachable"}}`)) + "--0f0f"
	blob := base64.StdEncoding.EncodeToString([]byte(`{"_rails":{"data":"gid://campfire/ActiveStorage::Blob/9","pur":"attachable"}}`)) + "--x"
	escaped := strings.ReplaceAll(modern, "=", "%3D")
	for _, c := range []struct {
		sgid, model, id string
		ok              bool
	}{
		{modern, "User", "42", true},
		{legacy, "User", "7", true},
		{blob, "ActiveStorage::Blob", "9", true},
		{escaped, "User", "42", true},
		{"", "", "", false},
		{"not base64 at all!--sig", "", "", false},
		{base64.StdEncoding.EncodeToString([]byte(`{"_rails":{"data":"something else"}}`)), "", "", false},
	} {
		model, id, ok := decodeSGID(c.sgid)
		if model != c.model || id != c.id || ok != c.ok {
			t.Errorf("decodeSGID(%q) = %q %q %v, want %q %q %v", c.sgid, model, id, ok, c.model, c.id, c.ok)
		}
	}
}

func sgidFor(model, id string) string {
	return base64.StdEncoding.EncodeToString([]byte(`{"_rails":{"data":"gid://campfire/`+model+`/`+id+`","pur":"attachable"}}`)) + "--s"
}

func TestConvertBody(t *testing.T) {
	users := func(id string) (string, string, bool) {
		if id == "1" {
			return "aaaaaaaaaaaaaaa", "Ann Lee", true
		}
		return "", "", false
	}
	mention := func(id, content string) string {
		return `<action-text-attachment sgid="` + sgidFor("User", id) + `" content-type="application/vnd.campfire.mention" content="` +
			content + `"></action-text-attachment>`
	}
	og := `<action-text-attachment content-type="application/vnd.actiontext.opengraph-embed" href="https://ex.test/a" url="https://ex.test/i.png" filename="Title &amp; more" caption="A &lt;b&gt;desc&lt;/b&gt;"></action-text-attachment>`

	for _, c := range []struct {
		name, in      string
		hasAttachment bool
		html          string
		blob          string
		embeds        int
		problems      int
	}{
		{name: "plain", in: "<div>hello</div>", html: "<div>hello</div>"},
		{name: "mention", in: "<div>hi " + mention("1", "&lt;span&gt;Ann&lt;/span&gt;") + "!</div>",
			html: `<div>hi <span class="mention" data-user-id="aaaaaaaaaaaaaaa">@Ann Lee</span>!</div>`},
		{name: "unknown mention keeps the name it showed", in: "<div>" + mention("99", "&lt;img&gt; Ghost  Writer") + "</div>",
			html: "<div>@Ghost Writer</div>", problems: 1},
		{name: "embed of a URL already in the text", in: "<div>https://ex.test/a</div>" + og,
			html: "<div>https://ex.test/a</div>", embeds: 1},
		{name: "embed alone becomes a link", in: "<div>look</div>" + og,
			html: `<div>look</div><a href="https://ex.test/a">Title &amp; more</a>`, embeds: 1},
		{name: "embedded file becomes the attachment", in: `<action-text-attachment sgid="` + sgidFor("ActiveStorage::Blob", "5") + `" content-type="image/png" filename="a.png"></action-text-attachment>`,
			html: "", blob: "5"},
		{name: "embedded file beside an attachment stays as its name", hasAttachment: true,
			in:   `<div>x</div><action-text-attachment sgid="` + sgidFor("ActiveStorage::Blob", "5") + `" filename="a.png"></action-text-attachment>`,
			html: "<div>x</div>[a.png]", problems: 1},
		{name: "unknown attachable keeps its caption", in: `<action-text-attachment content-type="text/x-thing" caption="a chart"></action-text-attachment>`,
			html: "a chart", problems: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := convertBody(c.in, c.hasAttachment, users)
			if got.HTML != c.html || got.AttachBlob != c.blob || len(got.Embeds) != c.embeds || len(got.Problems) != c.problems {
				t.Errorf("convertBody(%s)\n got %q blob %q embeds %v problems %v\nwant %q blob %q embeds %d problems %d",
					c.in, got.HTML, got.AttachBlob, got.Embeds, got.Problems, c.html, c.blob, c.embeds, c.problems)
			}
		})
	}
	if e := convertBody("<div>look</div>"+og, false, users).Embeds[0]; e.Title != "Title & more" || e.Description != "A desc" || e.URL != "https://ex.test/a" {
		t.Errorf("embed %+v", e)
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-01 09:00:00.123456":    "2024-03-01 09:00:00.123Z",
		"2024-03-01 09:00:00":           "2024-03-01 09:00:00.000Z",
		"2024-03-01T09:00:00.5Z":        "2024-03-01 09:00:00.500Z",
		"2024-03-01 10:00:00.000+01:00": "2024-03-01 09:00:00.000Z",
	} {
		got, ok := parseTime(in)
		if !ok || got.String() != want {
			t.Errorf("parseTime(%q) = %s %v, want %s", in, got, ok, want)
		}
	}
	if _, ok := parseTime("yesterday"); ok {
		t.Error("parsed nonsense")
	}
}
