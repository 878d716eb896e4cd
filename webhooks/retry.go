package webhooks

import (
	"math/rand/v2"
	"time"
)

const (
	// MaxAttempts is how many times a delivery is tried in all.
	MaxAttempts = 5
	// BackoffBase is the backoff ceiling after the first failed attempt; it
	// doubles after each further one, up to BackoffCap.
	BackoffBase = time.Second
	// BackoffCap bounds the backoff ceiling.
	BackoffCap = 5 * time.Minute
)

// Backoff returns how long to wait after failed attempt number attempt
// (1-based) before the next one: exponential backoff with full jitter, a
// uniformly random duration in [0, min(BackoffCap, BackoffBase·2^(attempt-1))].
// An attempt below 1 counts as 1.
func Backoff(attempt int) time.Duration {
	return rand.N(backoffCeiling(attempt) + 1)
}

func backoffCeiling(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	// 2^9 s > 5 min: no need to shift further (and no overflow).
	if attempt > 10 {
		return BackoffCap
	}
	return min(BackoffCap, BackoffBase<<(attempt-1))
}

// ShouldRetry reports whether a delivery whose attempt number attempt
// (1-based, this attempt included) ended with o is tried again: only
// retryable outcomes (connection errors, 5xx), never a timeout or a 410, and
// at most MaxAttempts tries in all. The retry keeps the same webhook-id.
func ShouldRetry(o Outcome, attempt int) bool {
	return o.Retryable && !o.TimedOut && !o.Disable && attempt < MaxAttempts
}
