package importer

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws one bar per phase on a writer (stderr for the command): counts, rate and ETA. On a
// terminal the bar redraws in place a few times a second; elsewhere (a log file, CI) it prints a line
// every few seconds and at the end of each phase.
type progress struct {
	w        io.Writer
	tty      bool
	callback func(phase string, done, total int)

	phase       string
	done, total int
	start, last time.Time
}

func newProgress(w io.Writer, callback func(string, int, int)) *progress {
	p := &progress{w: w, callback: callback}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) begin(phase string, total int) {
	p.phase, p.total, p.done = phase, total, 0
	p.start = time.Now()
	p.last = time.Time{}
	p.draw(false)
}

func (p *progress) add(n int) {
	p.done += n
	if p.done > p.total {
		p.total = p.done
	}
	if p.callback != nil {
		p.callback(p.phase, p.done, p.total)
	}
	p.draw(false)
}

func (p *progress) end() {
	p.draw(true)
}

func (p *progress) draw(final bool) {
	if p.w == nil {
		return
	}
	now := time.Now()
	interval := 5 * time.Second
	if p.tty {
		interval = 150 * time.Millisecond
	}
	if !final && ((!p.last.IsZero() && now.Sub(p.last) < interval) || (!p.tty && p.done >= p.total)) {
		return // the final line follows
	}
	p.last = now
	elapsed := now.Sub(p.start)
	line := p.render(elapsed, final)
	switch {
	case p.tty && final:
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", line)
	case p.tty:
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	case final || p.done > 0:
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) render(elapsed time.Duration, final bool) string {
	const width = 28
	frac := 1.0
	if p.total > 0 {
		frac = float64(p.done) / float64(p.total)
	}
	filled := int(frac * width)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(p.done) / s
	}
	tail := ""
	switch {
	case final:
		tail = "in " + roundDuration(elapsed).String()
	case rate > 0 && p.total > p.done:
		tail = "ETA " + roundDuration(time.Duration(float64(p.total-p.done)/rate*float64(time.Second))).String()
	}
	return fmt.Sprintf("%-12s [%s] %s/%s %3.0f%% %s/s %s", p.phase, bar, thousands(p.done), thousands(p.total),
		frac*100, thousands(int(rate)), tail)
}

func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// thousands formats n with thousands separators: 100000 -> "100,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
