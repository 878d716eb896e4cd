// Package attachments is the file side of messages: what an uploaded file is (its type sniffed from
// the bytes, its size, a cleaned display name, an image's pixel size), which uploads are refused (over
// the upload limit, empty, pixel floods, unreadable images), how files are served (only raster images,
// audio and video inline; everything else, SVG, HTML and XML included, as an octet-stream download)
// and the URLs API answers carry.
//
// Files on messages are protected PocketBase files: a download needs `?token=` with a file token, and
// PocketBase evaluates the messages ViewRule (an active member of the room, message not deleted) with
// that token's user. File tokens are per user and live 3 minutes, so:
//
//   - answers made for one user (record API, history, changes, search) carry URLs with a fresh token
//     of that user (SignURLs, or OnRecordEnrich for the record API);
//   - realtime events, encoded once for every subscriber of a room, carry the same URLs without a
//     token; the web app adds its own (`pb.files.getToken()`), renewed before it expires.
//
// Nothing here trusts the client: not its Content-Type, not its file name, not its extension.
package attachments

import (
	"bufio"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Image bounds: a decoded image may have at most MaxImagePixels pixels and MaxImageSide pixels on a
// side, so a tiny file cannot declare a bitmap that exhausts memory when it is thumbnailed.
const (
	MaxImagePixels = 50_000_000
	MaxImageSide   = 16384
)

// MaxNameRunes bounds a cleaned file name.
const MaxNameRunes = 200

// Thumb is the thumbnail size of image attachments (the messages.attachment field's Thumbs).
const Thumb = "1200x800f"

// Refusals of an upload, under the "attachment" key of a 400 answer's data.
var (
	ErrEmpty           = validation.NewError("validation_file_empty", "The file is empty.")
	ErrTooManyFiles    = validation.NewError("validation_too_many_files", "A message carries one file.")
	ErrTextWithFile    = validation.NewError("validation_text_with_file", "Send the text as its own message: a message with a file carries no text.")
	ErrPixelFlood      = validation.NewError("validation_image_too_large", fmt.Sprintf("The image is too large: at most %d megapixels and %d pixels on a side.", MaxImagePixels/1_000_000, MaxImageSide))
	ErrUnreadableImage = validation.NewError("validation_image_unreadable", "The image is damaged or in an unsupported format.")
)

// ErrTooLarge is the refusal of a file over limit bytes.
func ErrTooLarge(limit int64) validation.Error {
	return validation.NewError("validation_file_size_limit",
		fmt.Sprintf("The file is larger than the upload limit (%s).", FormatSize(limit)))
}

// FormatSize writes a byte count for people ("50 MB", "1.5 MB", "800 KB", "12 bytes"), in binary units.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20:
		if n%(1<<20) == 0 {
			return fmt.Sprintf("%d MB", n>>20)
		}
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// Info is what the server knows about an uploaded file.
type Info struct {
	Name   string // cleaned display name (CleanName of the uploader's name)
	Size   int64  // bytes
	Type   string // media type sniffed from the bytes, without parameters ("image/png", "text/html")
	Width  int    // pixels, images only
	Height int
}

// Inspect sniffs a file's type from its bytes (the same detector PocketBase uses when it stores the
// file, so the type here is the type the file is served with), cleans its name, and for images reads
// the declared pixel size (the header only, nothing is decoded) and refuses pixel floods and
// unreadable images. Errors are validation errors meant for the "attachment" field.
func Inspect(f *filesystem.File) (Info, error) {
	info := Info{Name: CleanName(f.OriginalName), Size: f.Size}
	if f.Size <= 0 {
		return info, ErrEmpty
	}
	r, err := f.Reader.Open()
	if err != nil {
		return info, fmt.Errorf("open upload: %w", err)
	}
	mt, err := mimetype.DetectReader(r)
	r.Close()
	if err != nil {
		return info, fmt.Errorf("sniff upload: %w", err)
	}
	info.Type = BaseType(mt.String())

	decode := configDecoder(info.Type)
	if decode == nil {
		return info, nil
	}
	r, err = f.Reader.Open()
	if err != nil {
		return info, fmt.Errorf("open upload: %w", err)
	}
	defer r.Close()
	cfg, err := safeDecodeConfig(decode, bufio.NewReader(r))
	if err != nil {
		return info, ErrUnreadableImage
	}
	if err := CheckDimensions(cfg.Width, cfg.Height); err != nil {
		return info, err
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	return info, nil
}

// CheckDimensions refuses an image with no pixels, more than MaxImagePixels, or a side over
// MaxImageSide.
func CheckDimensions(w, h int) error {
	if w <= 0 || h <= 0 {
		return ErrUnreadableImage
	}
	if w > MaxImageSide || h > MaxImageSide || int64(w)*int64(h) > MaxImagePixels {
		return ErrPixelFlood
	}
	return nil
}

func configDecoder(mediaType string) func(io.Reader) (image.Config, error) {
	switch mediaType {
	case "image/png":
		return png.DecodeConfig
	case "image/jpeg":
		return jpeg.DecodeConfig
	case "image/gif":
		return gif.DecodeConfig
	case "image/webp":
		return webp.DecodeConfig
	case "image/bmp":
		return bmp.DecodeConfig
	case "image/tiff":
		return tiff.DecodeConfig
	}
	return nil
}

// safeDecodeConfig turns a decoder panic (image decoders have had some) into an error.
func safeDecodeConfig(decode func(io.Reader) (image.Config, error), r io.Reader) (cfg image.Config, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("decode image header: %v", p)
		}
	}()
	return decode(r)
}

// BaseType returns a media type without its parameters, lower case ("text/html; charset=utf-8" →
// "text/html"); "application/octet-stream" when it cannot be parsed.
func BaseType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" {
		return "application/octet-stream"
	}
	return mt
}

// Thumbable reports whether PocketBase makes thumbnails of a media type (and so whether an
// attachment gets a thumb_url).
func Thumbable(mediaType string) bool {
	switch BaseType(mediaType) {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// inlineTypes may be shown in the page (an <img>, <video> or <audio>): formats browsers never run
// script in. Everything else is served as an application/octet-stream download.
var inlineTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"video/mp4": true, "video/webm": true, "video/quicktime": true, "video/ogg": true,
	"audio/mpeg": true, "audio/mp4": true, "audio/x-m4a": true, "audio/aac": true, "audio/ogg": true,
	"audio/wav": true, "audio/x-wav": true, "audio/wave": true, "audio/webm": true, "audio/flac": true,
}

// InlineSafe reports whether files of a media type may be served inline with their own type.
// SVG, HTML, XML, PDF, scripts, and anything unknown may not.
func InlineSafe(mediaType string) bool { return inlineTypes[BaseType(mediaType)] }

// CleanName makes an uploader's file name safe to store and show: the last path segment only (either
// slash), no control, format (bidi overrides, zero-width) or invalid characters, the characters
// Windows refuses in names replaced by "_", whitespace collapsed, no leading or trailing dots or
// spaces, at most MaxNameRunes runes (the extension kept), and "file" when nothing is left. It is
// still plain text: renderers escape it like any text.
func CleanName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r),
			unicode.Is(unicode.Cs, r), r == utf8.RuneError, r == 0xFFFE, r == 0xFFFF:
			// dropped: control, bidi override, zero-width, private use, surrogates, noncharacters
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Join(strings.Fields(b.String()), " ")
	name = strings.Trim(name, " .")
	if utf8.RuneCountInString(name) > MaxNameRunes {
		name = shorten(name, MaxNameRunes)
	}
	if name == "" {
		return "file"
	}
	return name
}

// shorten cuts a name to max runes, keeping a short extension.
func shorten(name string, max int) string {
	runes := []rune(name)
	ext := []rune{}
	if i := strings.LastIndex(name, "."); i > 0 {
		if e := []rune(name[i:]); len(e) <= 16 {
			ext = e
			runes = []rune(name[:i])
		}
	}
	keep := max - len(ext)
	if keep < 1 {
		keep = 1
	}
	if len(runes) > keep {
		runes = runes[:keep]
	}
	return strings.Trim(string(runes), " .") + string(ext)
}
