// Package config is Campfire's runtime configuration: flags and environment variables for the things
// an operator sets (public URL, upload limit, rate limits, trusted proxy, metrics token, durability,
// feature switches, JS hooks, logs), kept per app so every area can ask for it.
//
// Every flag has an environment variable; a flag on the command line wins over the variable, which
// wins over the default. PocketBase's own flags (--dir, --dev, --encryptionEnv, serve --http,
// serve --origins, serve <domain>) keep their names; CAMPFIRE_DATA_DIR and CAMPFIRE_HTTP set their
// defaults.
//
// Areas read the configuration through Get:
//
//	if !config.Get(app).Enabled(config.Push) {
//		return nil // push is switched off: plan no deliveries
//	}
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/pflag"
)

// Feature names a part of Campfire an operator can switch off.
type Feature string

// The switchable features.
const (
	Files    Feature = "files"    // attachments on messages
	Previews Feature = "previews" // link previews (/api/campfire/unfurl)
	Push     Feature = "push"     // web push notifications
	Bots     Feature = "bots"     // the bot API, bot management and outgoing webhooks
)

// Features lists every switchable feature.
var Features = []Feature{Files, Previews, Push, Bots}

// Config is the runtime configuration of one app.
type Config struct {
	// PublicURL is the address users reach the app at (https://chat.example.com). It becomes
	// PocketBase's Meta.AppURL, used in links that leave the app.
	PublicURL string
	// UploadLimitMB bounds an attachment (and a bot's reply body) in megabytes.
	UploadLimitMB int
	// RateLimits, when set, switches PocketBase's per-IP limiter (sign-in, sign-up, first run: the
	// rules of package ratelimit, which a new install gets on) on or off; nil leaves the setting as the
	// dashboard has it.
	RateLimits *bool
	// PostLimit, when set, bounds how many messages one user may post within a window (Max 0: no
	// limit); nil keeps the default of package ratelimit (20 per 10 s).
	PostLimit *PostLimit
	// TrustedProxyHeaders name the headers holding the client IP behind a reverse proxy
	// (X-Forwarded-For, X-Real-IP); TrustedProxyLeftmost takes the leftmost address of such a list.
	TrustedProxyHeaders  []string
	TrustedProxyLeftmost bool
	// MetricsToken guards /metrics (Authorization: Bearer <token>); empty switches /metrics off.
	MetricsToken string
	// Durable sets SQLite synchronous=FULL: a commit survives power loss, at a cost per write.
	Durable bool
	// DrainTimeout bounds how long shutdown waits for writes in flight.
	DrainTimeout time.Duration
	// BackupsCron and BackupsKeep schedule PocketBase's automatic backups ("0 3 * * *", keep 7).
	BackupsCron string
	BackupsKeep int
	// Disabled holds the features switched off.
	Disabled map[Feature]bool
	// JS hooks (PocketBase's jsvm plugin).
	HooksDir      string
	HooksWatch    bool
	HooksPool     int
	MigrationsDir string
	Automigrate   bool
	// LogFormat is "text" or "json" for Campfire's operational log on stderr; LogRequests also
	// copies PocketBase's request and error logs there.
	LogFormat   string
	LogRequests bool

	finish func() error
}

// Default is the configuration of an app nobody configured (a library user's or a test's app): every
// feature on, no limits, no metrics.
func Default() *Config {
	return &Config{UploadLimitMB: 50, DrainTimeout: 10 * time.Second, LogFormat: "text", Disabled: map[Feature]bool{}}
}

// Enabled reports whether a feature is switched on.
func (c *Config) Enabled(f Feature) bool { return c == nil || !c.Disabled[f] }

// UploadLimit is the upload limit in bytes.
func (c *Config) UploadLimit() int64 {
	if c == nil || c.UploadLimitMB <= 0 {
		return 50 << 20
	}
	return int64(c.UploadLimitMB) << 20
}

const storeKey = "campfire.config"

// Get returns the configuration of app (Default when none was set).
func Get(app core.App) *Config {
	if c, ok := app.Store().Get(storeKey).(*Config); ok && c != nil {
		return c
	}
	return Default()
}

// Set stores the configuration of app.
func Set(app core.App, c *Config) {
	if c.Disabled == nil {
		c.Disabled = map[Feature]bool{}
	}
	app.Store().Set(storeKey, c)
}

// Env names the environment variable behind each flag.
var Env = map[string]string{
	"publicUrl":            "CAMPFIRE_PUBLIC_URL",
	"uploadLimit":          "CAMPFIRE_UPLOAD_LIMIT_MB",
	"rateLimits":           "CAMPFIRE_RATE_LIMITS",
	"postLimit":            "CAMPFIRE_POST_LIMIT",
	"trustedProxy":         "CAMPFIRE_TRUSTED_PROXY",
	"trustedProxyLeftmost": "CAMPFIRE_TRUSTED_PROXY_LEFTMOST",
	"metricsToken":         "CAMPFIRE_METRICS_TOKEN",
	"durable":              "CAMPFIRE_DURABLE",
	"drainTimeout":         "CAMPFIRE_DRAIN_TIMEOUT",
	"backupsCron":          "CAMPFIRE_BACKUPS_CRON",
	"backupsKeep":          "CAMPFIRE_BACKUPS_KEEP",
	"files":                "CAMPFIRE_FILES",
	"previews":             "CAMPFIRE_PREVIEWS",
	"push":                 "CAMPFIRE_PUSH",
	"bots":                 "CAMPFIRE_BOTS",
	"hooksDir":             "CAMPFIRE_HOOKS_DIR",
	"hooksWatch":           "CAMPFIRE_HOOKS_WATCH",
	"hooksPool":            "CAMPFIRE_HOOKS_POOL",
	"migrationsDir":        "CAMPFIRE_MIGRATIONS_DIR",
	"automigrate":          "CAMPFIRE_AUTOMIGRATE",
	"logFormat":            "CAMPFIRE_LOG_FORMAT",
	"logRequests":          "CAMPFIRE_LOG_REQUESTS",
}

// Bind defines Campfire's flags on fs (the root command's persistent flags) with defaults taken from
// the environment, and returns the configuration they fill. devDefault is PocketBase's dev mode
// default (go run), which turns on hook watching and automigrate.
func Bind(fs *pflag.FlagSet, devDefault bool) (*Config, error) {
	c := Default()
	var errs []string
	envSet := func(flag string) bool { return strings.TrimSpace(os.Getenv(Env[flag])) != "" }
	env := func(flag string) (string, bool) {
		v, ok := os.LookupEnv(Env[flag])
		return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
	}
	str := func(p *string, flag, def, usage string) {
		if v, ok := env(flag); ok {
			def = v
		}
		fs.StringVar(p, flag, def, usage+" (env "+Env[flag]+")")
	}
	boolean := func(p *bool, flag string, def bool, usage string) {
		if v, ok := env(flag); ok {
			b, err := parseBool(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", Env[flag], err))
			} else {
				def = b
			}
		}
		fs.BoolVar(p, flag, def, usage+" (env "+Env[flag]+")")
	}
	integer := func(p *int, flag string, def int, usage string) {
		if v, ok := env(flag); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: not a whole number: %q", Env[flag], v))
			} else {
				def = n
			}
		}
		fs.IntVar(p, flag, def, usage+" (env "+Env[flag]+")")
	}

	str(&c.PublicURL, "publicUrl", "", "the public address of the app, e.g. https://chat.example.com")
	integer(&c.UploadLimitMB, "uploadLimit", 50, "the largest attachment in MB")
	var rateLimits bool
	boolean(&rateLimits, "rateLimits", true, "per-IP rate limits on sign-in and sign-up, on or off; when not given, as set in the dashboard (on for a new install)")
	var postLimit string
	str(&postLimit, "postLimit", "", `messages one user may post per window, e.g. "20/10s", or "off" (default 20/10s)`)
	var proxy string
	str(&proxy, "trustedProxy", "", "comma-separated headers with the client IP set by your reverse proxy, e.g. X-Forwarded-For")
	boolean(&c.TrustedProxyLeftmost, "trustedProxyLeftmost", false, "use the leftmost (client-provided) address of the trusted proxy header")
	str(&c.MetricsToken, "metricsToken", "", "bearer token for /metrics; empty turns /metrics off (prefer the env variable)")
	boolean(&c.Durable, "durable", false, "SQLite synchronous=FULL: commits survive power loss, writes cost more")
	var drain string
	str(&drain, "drainTimeout", "10s", "how long shutdown waits for writes in flight")
	str(&c.BackupsCron, "backupsCron", "", `schedule of automatic backups in cron syntax, e.g. "0 3 * * *" (empty: keep the dashboard's setting)`)
	integer(&c.BackupsKeep, "backupsKeep", 0, "automatic backups to keep (0: keep the dashboard's setting)")
	features := map[Feature]*bool{}
	for _, f := range Features {
		on := new(bool)
		features[f] = on
		boolean(on, string(f), true, "switch "+featureUsage[f])
	}
	str(&c.HooksDir, "hooksDir", "", "the directory with the JS app hooks (default pb_data/../pb_hooks)")
	boolean(&c.HooksWatch, "hooksWatch", devDefault, "restart the app when a pb_hooks file changes")
	integer(&c.HooksPool, "hooksPool", 15, "prewarmed JS runtimes for the hooks")
	str(&c.MigrationsDir, "migrationsDir", "", "the directory with the JS migrations (default pb_data/../pb_migrations)")
	boolean(&c.Automigrate, "automigrate", devDefault, "write a JS migration for each collection change made in the dashboard")
	str(&c.LogFormat, "logFormat", "text", "Campfire's log on stderr: text or json")
	boolean(&c.LogRequests, "logRequests", false, "also copy PocketBase's request and error logs to stderr")

	// The values above are final only after the command line is parsed; Finish reads the rest.
	c.finish = func() error {
		var errs2 []string
		c.RateLimits = nil
		if fs.Changed("rateLimits") || envSet("rateLimits") {
			c.RateLimits = &rateLimits
		}
		c.PostLimit = nil
		if strings.TrimSpace(postLimit) != "" {
			r, err := ParsePostLimit(postLimit)
			if err != nil {
				errs2 = append(errs2, err.Error())
			} else {
				c.PostLimit = &r
			}
		}
		if d, err := time.ParseDuration(strings.TrimSpace(drain)); err != nil || d < 0 {
			errs2 = append(errs2, fmt.Sprintf("drainTimeout: not a duration: %q", drain))
		} else {
			c.DrainTimeout = d
		}
		c.TrustedProxyHeaders = nil
		for _, h := range strings.Split(proxy, ",") {
			if h = strings.TrimSpace(h); h != "" {
				c.TrustedProxyHeaders = append(c.TrustedProxyHeaders, h)
			}
		}
		c.Disabled = map[Feature]bool{}
		for f, on := range features {
			if !*on {
				c.Disabled[f] = true
			}
		}
		if c.LogFormat != "text" && c.LogFormat != "json" {
			errs2 = append(errs2, fmt.Sprintf("logFormat: %q is neither text nor json", c.LogFormat))
		}
		if c.UploadLimitMB <= 0 {
			errs2 = append(errs2, "uploadLimit: must be at least 1 (MB)")
		}
		if len(errs2) > 0 {
			return fmt.Errorf("campfire config: %s", strings.Join(errs2, "; "))
		}
		return nil
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("campfire config: %s", strings.Join(errs, "; "))
	}
	return c, c.finish()
}

var featureUsage = map[Feature]string{
	Files:    "attachments on or off",
	Previews: "link previews on or off",
	Push:     "web push notifications on or off",
	Bots:     "bots (bot API, webhooks) on or off",
}

// Finish reads the flags that need parsing (rates, durations, lists, feature switches) once the
// command line is parsed. It is idempotent.
func (c *Config) Finish() error {
	if c.finish == nil {
		return nil
	}
	return c.finish()
}

// PostLimit bounds posting per user: at most Max messages within any Window (Max 0: no limit).
type PostLimit struct {
	Max    int
	Window time.Duration
}

// Enabled reports whether the limit limits anything.
func (l PostLimit) Enabled() bool { return l.Max > 0 && l.Window > 0 }

// ParsePostLimit reads a posting limit: "N/duration" (20/10s: at most 20 messages in any 10 seconds)
// or "off" / "0".
func ParsePostLimit(v string) (PostLimit, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "off" || v == "0" || v == "none" {
		return PostLimit{}, nil
	}
	n, w, ok := strings.Cut(v, "/")
	max, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err != nil || max < 1 {
		return PostLimit{}, fmt.Errorf("postLimit: want N/duration like 20/10s, or off: %q", v)
	}
	w = strings.TrimSpace(w)
	if w != "" && (w[0] < '0' || w[0] > '9') {
		w = "1" + w // "30/m" reads as 30 per minute
	}
	window, err := time.ParseDuration(w)
	if err != nil || window <= 0 {
		return PostLimit{}, fmt.Errorf("postLimit: want N/duration like 20/10s, or off: %q", v)
	}
	return PostLimit{Max: max, Window: window}, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("not a switch (on/off, true/false): %q", v)
}

// Summary describes the configuration for the start-up log: never a secret.
func (c *Config) Summary() []any {
	features := make([]string, 0, len(Features))
	for _, f := range Features {
		state := "on"
		if !c.Enabled(f) {
			state = "off"
		}
		features = append(features, string(f)+"="+state)
	}
	metrics := "off"
	if c.MetricsToken != "" {
		metrics = "on (bearer token set)"
	}
	rateLimits := "dashboard setting"
	if c.RateLimits != nil {
		rateLimits = onOff(*c.RateLimits)
	}
	postLimit := "default"
	if c.PostLimit != nil {
		postLimit = "off"
		if c.PostLimit.Enabled() {
			postLimit = fmt.Sprintf("%d/%s per user", c.PostLimit.Max, c.PostLimit.Window)
		}
	}
	proxy := "none (client IP = remote address)"
	if len(c.TrustedProxyHeaders) > 0 {
		proxy = strings.Join(c.TrustedProxyHeaders, ",")
		if c.TrustedProxyLeftmost {
			proxy += " (leftmost)"
		}
	}
	sync := "NORMAL"
	if c.Durable {
		sync = "FULL (durable)"
	}
	backups := "dashboard setting"
	if c.BackupsCron != "" {
		backups = fmt.Sprintf("%q keep %d", c.BackupsCron, c.BackupsKeep)
	}
	return []any{
		"public_url", orNone(c.PublicURL),
		"upload_limit_mb", c.UploadLimitMB,
		"rate_limits", rateLimits,
		"post_limit", postLimit,
		"trusted_proxy", proxy,
		"metrics", metrics,
		"sqlite_synchronous", sync,
		"drain_timeout", c.DrainTimeout.String(),
		"backups", backups,
		"features", strings.Join(features, " "),
		"hooks_dir", orNone(c.HooksDir),
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orNone(s string) string {
	if s == "" {
		return "(not set)"
	}
	return s
}
