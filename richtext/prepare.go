package richtext

// Body is a message body ready to be stored, with everything the server
// derives from it.
type Body struct {
	HTML     string   // sanitized, autolinked, mentions resolved: the `body` field
	Plain    string   // PlainText(HTML): the `plain` field
	Mentions []string // member ids mentioned, unique, in order: the `mentions` field
	Blank    bool     // IsBlank(HTML): the server refuses such a message
}

// Prepare runs the whole pipeline for a new or edited message in one parse:
// Sanitize, ResolvePlainMentions with the room's members (which also drops
// mention spans of non-members), then PlainText, MentionIDs and IsBlank. It
// exists so that callers cannot get the order wrong. The result equals
// calling those functions one after the other. The caller checks
// MaxRawBodyBytes before, and SoundCommand(b.Plain) after.
func Prepare(raw string, members []Member) Body {
	root, ok := sanitizeTree(raw)
	if !ok {
		return Body{Blank: true}
	}
	ids := resolveTree(root, members)
	return Body{
		HTML:     renderChildren(root),
		Plain:    plainTree(root),
		Mentions: ids,
		Blank:    blankTree(root),
	}
}
