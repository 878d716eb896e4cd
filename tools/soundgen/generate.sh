#!/bin/sh
# Regenerates Campfire's /play sounds: sounds/files/<name>.mp3.
#
# The MP3s are committed; CI does not run this. Run it by hand after changing
# a recipe in tools/soundgen, then check `go test ./sounds/` and commit.
#
# Needs: Go (GOTOOLCHAIN=go1.27.3) and LAME 3.100 (Debian: apt-get install lame).
# Every sound is synthesized from scratch by tools/soundgen (standard library
# only, deterministic), written as 22.05 kHz 16-bit mono WAV, then encoded as
# VBR mono MP3 (lame -V 7), typically 5–25 KB each.
#
# Usage: tools/soundgen/generate.sh            # all sounds
#        tools/soundgen/generate.sh tada,bell  # just these
set -eu

cd "$(dirname "$0")/../.."
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

command -v lame >/dev/null 2>&1 || {
	echo "generate.sh: lame not found (apt-get install lame)" >&2
	exit 1
}

out=sounds/files
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
	go run ./tools/soundgen -out "$tmp" -only "$1"
else
	go run ./tools/soundgen -out "$tmp"
	rm -f "$out"/*.mp3 # drop sounds whose recipe was removed
fi

mkdir -p "$out"
for wav in "$tmp"/*.wav; do
	name=$(basename "$wav" .wav)
	lame --quiet --noreplaygain -m m -V 7 "$wav" "$out/$name.mp3"
done

ls -l "$out"/*.mp3 | awk '{n++; s+=$5} END {printf "%d files, %.0f KB\n", n, s/1024}'
echo "Now update the catalog in sounds/sounds.go if names changed, and run: go test ./sounds/"
