package messages

import (
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// MaxBoostRunes bounds a boost's text in Unicode code points.
const MaxBoostRunes = 16

// QuickBoosts are the eight one-click boosts the web app offers.
var QuickBoosts = []string{"👍", "👏", "😂", "❤️", "🎉", "🙏", "🔥", "👀"}

// ErrBoostContent is returned for a blank boost or one longer than MaxBoostRunes code points.
var ErrBoostContent = validation.NewError("validation_boost_content", "A boost is 1 to 16 characters.")

// NormalizeBoost trims a boost and checks its length in code points.
func NormalizeBoost(content string) (string, error) {
	content = strings.TrimSpace(content)
	if content == "" || !utf8.ValidString(content) || utf8.RuneCountInString(content) > MaxBoostRunes {
		return "", validation.Errors{"content": ErrBoostContent}
	}
	return content, nil
}
