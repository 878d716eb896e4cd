// Package richtext is the message-body domain of Campfire: it turns the HTML a
// client sends (Trix output, or text/HTML from bots and API clients) into the
// body the server stores, and derives everything else the server needs from
// that body: the plain text for search, push and webhooks, the mentioned user
// ids, blank detection, `/play` commands and "emoji only" detection.
//
// The package is pure Go and knows nothing about PocketBase, so it can be
// tested and fuzzed on its own. The usual flow for a new or edited message is
//
//	if len(raw) > richtext.MaxRawBodyBytes { 400 }
//	b := richtext.Prepare(raw, roomMembers)   // sanitize, autolink, resolve @Name, drop non-members
//	if b.Blank { 400 }
//	if name, ok := richtext.SoundCommand(b.Plain); ok { ... }
//
// or the same steps one by one with Sanitize, ResolvePlainMentions,
// PlainText, MentionIDs and IsBlank. Every function that takes "sanitized"
// HTML expects the output of Sanitize (or of a function of this package
// that was given such output); they never make unsafe input safe.
package richtext

// MaxRawBodyBytes is the largest raw message body, in bytes, that the server
// accepts. The caller checks it before calling Sanitize so that an oversized
// body gets a clear 400 and never costs a parse (SPEC §4 "Messages").
const MaxRawBodyBytes = 100000
