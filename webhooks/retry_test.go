package webhooks

import (
	"math"
	"testing"
	"time"
)

func TestBackoffCeiling(t *testing.T) {
	want := map[int]time.Duration{
		-3: time.Second, 0: time.Second, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second,
		4: 8 * time.Second, 5: 16 * time.Second, 9: 256 * time.Second, 10: 5 * time.Minute,
		11: 5 * time.Minute, 64: 5 * time.Minute, math.MaxInt: 5 * time.Minute,
	}
	for attempt, w := range want {
		if got := backoffCeiling(attempt); got != w {
			t.Errorf("backoffCeiling(%d) = %v, want %v", attempt, got, w)
		}
	}
}

func TestBackoffFullJitter(t *testing.T) {
	const samples = 2000
	for _, attempt := range []int{0, 1, 2, 3, 4, 5, 8, 12, math.MaxInt} {
		ceiling := backoffCeiling(attempt)
		lo, hi := time.Duration(math.MaxInt64), time.Duration(-1)
		var sum time.Duration
		for i := 0; i < samples; i++ {
			d := Backoff(attempt)
			if d < 0 || d > ceiling {
				t.Fatalf("Backoff(%d) = %v, outside [0, %v]", attempt, d, ceiling)
			}
			lo, hi = min(lo, d), max(hi, d)
			sum += d
		}
		// Full jitter covers the whole range: with 2000 uniform draws the
		// extremes reach the outer tenths and the mean sits near the middle
		// (failing by chance has probability below 1e-80).
		if lo > ceiling/10 || hi < ceiling-ceiling/10 {
			t.Errorf("Backoff(%d) spans only [%v, %v] of [0, %v]", attempt, lo, hi, ceiling)
		}
		if mean := sum / samples; mean < ceiling*4/10 || mean > ceiling*6/10 {
			t.Errorf("Backoff(%d) mean %v, want about %v", attempt, mean, ceiling/2)
		}
	}
}

func TestShouldRetry(t *testing.T) {
	retryable := Outcome{Retryable: true, Status: 503}
	for attempt := 1; attempt < MaxAttempts; attempt++ {
		if !ShouldRetry(retryable, attempt) {
			t.Errorf("ShouldRetry(retryable, %d) = false", attempt)
		}
	}
	if ShouldRetry(retryable, MaxAttempts) || ShouldRetry(retryable, MaxAttempts+1) {
		t.Error("retried past MaxAttempts")
	}
	for name, o := range map[string]Outcome{
		"timeout":  {Retryable: true, TimedOut: true},
		"gone":     {Retryable: true, Disable: true, Status: 410},
		"4xx":      {Status: 404},
		"redirect": {Status: 302},
		"success":  {Status: 200},
	} {
		if ShouldRetry(o, 1) {
			t.Errorf("ShouldRetry(%s, 1) = true", name)
		}
	}
	if MaxAttempts != 5 {
		t.Errorf("MaxAttempts = %d, SPEC §7 says 5", MaxAttempts)
	}
}
