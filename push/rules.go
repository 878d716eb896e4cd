package push

// Involvement levels of a room membership.
const (
	InvolvementInvisible  = "invisible"
	InvolvementNothing    = "nothing"
	InvolvementMentions   = "mentions"
	InvolvementEverything = "everything"
)

// Recipient is one room member's situation for one new message.
type Recipient struct {
	IsAuthor    bool   // the member wrote the message
	Present     bool   // the member has the room open and visible somewhere
	Involvement string // invisible | nothing | mentions | everything
	Mentioned   bool   // the message mentions the member
}

// ShouldNotify reports whether r gets a push: non-authors who are not
// present, not invisible, and have "everything", or "mentions" and are
// mentioned. Unknown involvement values never notify.
func ShouldNotify(r Recipient) bool {
	if r.IsAuthor || r.Present {
		return false
	}
	switch r.Involvement {
	case InvolvementEverything:
		return true
	case InvolvementMentions:
		return r.Mentioned
	default:
		return false
	}
}
