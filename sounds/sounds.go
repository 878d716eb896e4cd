// Package sounds is Campfire's catalog of /play sounds.
//
// A message whose whole text is "/play <name>" plays the sound <name>. Every
// sound here is original: it was synthesized from scratch by tools/soundgen
// (oscillators, envelopes, noise and filters; no samples) and encoded to MP3
// by tools/soundgen/generate.sh. The MP3s live in files/ and are embedded in
// the binary.
//
// The names follow Campfire's well-known list, but each sound only evokes its
// name's mood (a struck bell, chirping crickets, a sad trombone...); none
// copies or imitates a recording. The captions are our own words too.
package sounds

import (
	"embed"
	"io/fs"
	"strings"
)

// ContentType is the media type of every sound file.
const ContentType = "audio/mpeg"

// Sound is one /play sound: Name is what follows "/play ", Text is the short
// caption shown in chat next to the player.
type Sound struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// catalog is sorted by name. Every entry has files/<name>.mp3 and every file
// has an entry (see sounds_test.go).
var catalog = []Sound{
	{"56k", "📞 *modem handshake noises*"},
	{"ballmer", "🙌 Sweaty keynote energy!"},
	{"bell", "🔔 Ding!"},
	{"bezos", "😈 Mwahaha!"},
	{"bueller", "🙋 Hello? Anybody?"},
	{"butts", "🍑 Heh heh… butts."},
	{"clowntown", "🤡 Welcome to clown town!"},
	{"cottoneyejoe", "🤠 Yee-haw!"},
	{"crickets", "🦗 *crickets*"},
	{"curb", "😬 Well, this is awkward…"},
	{"dadgummit", "😤 Dadgummit!"},
	{"dangerzone", "🛩️ Danger zone!"},
	{"danielsan", "🥋 Hi-yah!"},
	{"deeper", "🌀 Deeper still…"},
	{"donotwant", "🙅 Do not want!"},
	{"drama", "🐹 Dun dun DUNNN!"},
	{"flawless", "🏆 Flawless. Not a scratch!"},
	{"glados", "🤖 Please proceed to the next test."},
	{"gogogo", "🏃 Go! Go! Go!"},
	{"greatjob", "👏 Great job. Really."},
	{"greyjoy", "🦑 The sea calls."},
	{"guarantee", "🤝 Satisfaction guaranteed!"},
	{"heygirl", "😏 Hey girl…"},
	{"honk", "📣 Honk honk!"},
	{"horn", "🚗 Beep beeeep!"},
	{"horror", "🔪 Eeek!"},
	{"inconceivable", "😲 Inconceivable!"},
	{"letitgo", "❄️ Just let it go…"},
	{"live", "📺 And we're live!"},
	{"loggins", "🎸 Cue the 80s montage!"},
	{"makeitso", "🖖 Make it so."},
	{"noooo", "😱 Noooooo!"},
	{"nyan", "🌈 Nyan nyan nyan!"},
	{"ohmy", "😮 Oh my!"},
	{"ohyeah", "🧱 Oh yeah!"},
	{"pushit", "💪 Push it!"},
	{"rimshot", "🥁 Ba dum tss!"},
	{"rollout", "🚚 Roll out!"},
	{"rumble", "🥊 Ding ding! Rumble time!"},
	{"sax", "🎷 Smooooth."},
	{"secret", "🗝️ You found a secret!"},
	{"sexyback", "🕺 Feeling funky."},
	{"story", "📖 And that's the story."},
	{"tada", "🎉 Tada!"},
	{"tmyk", "🌠 Now you know!"},
	{"totes", "💁 Totes!"},
	{"trololo", "🎶 Lo-lo-lo-lo-lo!"},
	{"trombone", "🎺 Wah wah wah waaah."},
	{"unix", "💻 I know this system!"},
	{"vuvuzela", "📯 BZZZZZZZZZZ"},
	{"what", "❓ What?!"},
	{"whoomp", "🔊 Whoomp!"},
	{"wups", "🙃 Wups!"},
	{"yay", "🥳 Yay!"},
	{"yeah", "🤘 YEAH!"},
	{"yodel", "🏔️ Yodel-ay-ee-oo!"},
}

//go:embed files/*.mp3
var embedded embed.FS

var (
	byName = make(map[string]Sound, len(catalog))
	files  fs.FS
)

func init() {
	for _, s := range catalog {
		byName[s.Name] = s
	}
	sub, err := fs.Sub(embedded, "files")
	if err != nil {
		panic(err)
	}
	files = sub
}

// All returns every sound, sorted by name. The slice is a fresh copy.
func All() []Sound {
	return append([]Sound(nil), catalog...)
}

// Lookup finds a sound by its exact (lowercase) name.
func Lookup(name string) (Sound, bool) {
	s, ok := byName[name]
	return s, ok
}

// FileName is the name of a sound's file inside FS: "<name>.mp3".
func FileName(name string) string { return name + ".mp3" }

// FS returns the sound files, named "<name>.mp3" at its root.
func FS() fs.FS { return files }

// Open opens a sound's MP3 for reading. The file also implements io.Seeker
// and io.ReaderAt, so it can be passed to http.ServeContent (with
// ContentType). Unknown names give an error wrapping fs.ErrNotExist.
func Open(name string) (fs.File, error) {
	if _, ok := byName[name]; !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return files.Open(FileName(name))
}

// Bytes returns a copy of a sound's MP3 data.
func Bytes(name string) ([]byte, bool) {
	if _, ok := byName[name]; !ok {
		return nil, false
	}
	b, err := fs.ReadFile(files, FileName(name))
	if err != nil {
		return nil, false
	}
	return b, true
}

// ParseCommand recognizes a message whose whole text is "/play <name>" for a
// known sound (surrounding whitespace is ignored, and the name is
// case-sensitive). Anything else, including unknown names and extra words,
// returns false.
func ParseCommand(text string) (Sound, bool) {
	fields := strings.Fields(text)
	if len(fields) != 2 || fields[0] != "/play" {
		return Sound{}, false
	}
	return Lookup(fields[1])
}
