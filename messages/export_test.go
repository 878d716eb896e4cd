package messages

import "github.com/pocketbase/pocketbase/core"

// SignItemsWith signs items with a given token, so that a test can compare them with records signed
// with the same one.
func SignItemsWith(app core.App, items []*HistoryItem, token string) {
	signItems(app, items, func() string { return token })
}
