package bots

import (
	"errors"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/botkeys"
)

// Legacy resolves what an imported Campfire's bots still use: keys "<integer id>-<token>" and integer
// room ids in /rooms/<room>/<key>/messages. Package importer provides both functions
// (importer.ResolveLegacyBot, importer.ResolveLegacyRoom); wiring them is one line where both
// packages are known:
//
//	bots.SetLegacy(app, bots.Legacy{Bot: importer.ResolveLegacyBot, Room: importer.ResolveLegacyRoom})
type Legacy struct {
	Bot  func(app core.App, key string) (*core.Record, error)
	Room func(app core.App, id string) (*core.Record, error)
}

// SetLegacy turns on legacy key and room resolution for the bot API of app.
func SetLegacy(app core.App, l Legacy) {
	s := stateFor(app)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.legacy = l
}

func (s *state) legacyResolvers() Legacy {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.legacy
}

// SetToken gives bot an existing token (an importer carrying a Campfire bot's key over): it stores
// the hash and the encrypted copy; the caller saves the bot. The token must be what botkeys accepts
// (at least 12 alphanumerics).
func SetToken(app core.App, bot *core.Record, token string) error {
	if _, _, err := botkeys.Parse(botkeys.Format(strings.Repeat("a", botkeys.UserIDLength), token)); err != nil {
		return errors.New("bots: invalid token")
	}
	enc, err := encryptToken(app, token)
	if err != nil {
		return err
	}
	bot.Set("bot_token_hash", botkeys.Hash(token))
	bot.Set("bot_token_encrypted", enc)
	return nil
}
