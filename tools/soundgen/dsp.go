package main

// Small, deterministic DSP toolkit: oscillators, envelopes, noise, filters,
// a plucked string, a toy reverb and a formant "voice". Everything works on
// mono float64 buffers at sampleRate. No randomness outside rng, which is
// seeded from each sound's name, so every run produces identical samples.

import (
	"hash/fnv"
	"math"
)

const sampleRate = 22050

// buf is a mono signal in the range [-1, 1] (before normalisation).
type buf []float64

func newBuf(seconds float64) buf { return make(buf, int(seconds*sampleRate)) }

func (b buf) seconds() float64 { return float64(len(b)) / sampleRate }

// mix adds src into b starting at time start (seconds), scaled by gain.
func (b buf) mix(src buf, start, gain float64) {
	i0 := int(math.Round(start * sampleRate))
	for k, v := range src {
		i := i0 + k
		if i < 0 {
			continue
		}
		if i >= len(b) {
			break
		}
		b[i] += v * gain
	}
}

func (b buf) scale(g float64) buf {
	for i := range b {
		b[i] *= g
	}
	return b
}

// shape applies fn(t) as a gain over the whole buffer (t in seconds).
func (b buf) shape(fn fn) buf {
	for i := range b {
		b[i] *= fn(float64(i) / sampleRate)
	}
	return b
}

// clip is a soft saturator (tanh) with drive.
func (b buf) clip(drive float64) buf {
	n := math.Tanh(drive)
	for i := range b {
		b[i] = math.Tanh(b[i]*drive) / n
	}
	return b
}

func (b buf) peak() float64 {
	p := 0.0
	for _, v := range b {
		p = math.Max(p, math.Abs(v))
	}
	return p
}

func (b buf) rms() float64 {
	s := 0.0
	for _, v := range b {
		s += v * v
	}
	return math.Sqrt(s / float64(len(b)))
}

// --- deterministic noise -------------------------------------------------

type rng struct{ s uint64 }

func newRng(name string) *rng {
	h := fnv.New64a()
	h.Write([]byte(name))
	return &rng{s: h.Sum64()}
}

// next is splitmix64.
func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// unit returns a float in [0, 1).
func (r *rng) unit() float64 { return float64(r.next()>>11) / (1 << 53) }

// bi returns a float in [-1, 1).
func (r *rng) bi() float64 { return 2*r.unit() - 1 }

// between returns a float in [lo, hi).
func (r *rng) between(lo, hi float64) float64 { return lo + (hi-lo)*r.unit() }

func (r *rng) pick(n int) int { return int(r.next() % uint64(n)) }

// noise returns white noise of the given length shaped by env.
func noise(r *rng, seconds float64, env fn) buf {
	b := newBuf(seconds)
	for i := range b {
		b[i] = r.bi() * env(float64(i)/sampleRate)
	}
	return b.fadeOut(0.004)
}

// --- time functions --------------------------------------------------------

// fn maps time (seconds from the start of a note) to a value: a frequency,
// a gain, a cutoff...
type fn func(t float64) float64

func constant(v float64) fn { return func(float64) float64 { return v } }

// glide moves exponentially from f0 to f1 over d seconds, then holds f1.
func glide(f0, f1, d float64) fn {
	return func(t float64) float64 {
		if t >= d {
			return f1
		}
		return f0 * math.Pow(f1/f0, t/d)
	}
}

// lin moves linearly from a to b over d seconds, then holds b.
func lin(a, b, d float64) fn {
	return func(t float64) float64 {
		if t >= d {
			return b
		}
		return a + (b-a)*t/d
	}
}

// steps holds values[i] from times[i] on (times ascending, times[0] = 0),
// with an exponential portamento of slide seconds between steps.
func steps(times, values []float64, slide float64) fn {
	return func(t float64) float64 {
		i := 0
		for i+1 < len(times) && t >= times[i+1] {
			i++
		}
		if i == 0 || slide <= 0 || t-times[i] >= slide {
			return values[i]
		}
		return values[i-1] * math.Pow(values[i]/values[i-1], (t-times[i])/slide)
	}
}

// vibrato modulates a frequency by ±semis semitones at rate Hz; the depth
// fades in over delay seconds.
func vibrato(f fn, rate, semis, delay float64) fn {
	return func(t float64) float64 {
		d := semis
		if delay > 0 && t < delay {
			d *= t / delay
		}
		return f(t) * math.Pow(2, d*math.Sin(2*math.Pi*rate*t)/12)
	}
}

func mul(fs ...fn) fn {
	return func(t float64) float64 {
		v := 1.0
		for _, f := range fs {
			v *= f(t)
		}
		return v
	}
}

// adsr is a classic envelope for a note lasting dur seconds in total
// (release included).
func adsr(a, d, s, r, dur float64) fn {
	return func(t float64) float64 {
		var v float64
		switch {
		case t < 0 || t > dur:
			return 0
		case t < a:
			v = t / a
		case t < a+d:
			v = 1 - (1-s)*(t-a)/d
		default:
			v = s
		}
		if rem := dur - t; rem < r {
			v *= rem / r
		}
		return v
	}
}

// perc is a percussive envelope: linear attack, exponential decay with time
// constant tau.
func perc(a, tau float64) fn {
	return func(t float64) float64 {
		if t < 0 {
			return 0
		}
		if t < a {
			return t / a
		}
		return math.Exp(-(t - a) / tau)
	}
}

// gate is 1 inside [from, to) with short linear ramps of edge seconds.
func gate(from, to, edge float64) fn {
	return func(t float64) float64 {
		switch {
		case t < from || t >= to:
			return 0
		case t < from+edge:
			return (t - from) / edge
		case t > to-edge:
			return (to - t) / edge
		}
		return 1
	}
}

// tremolo is an amplitude LFO between 1-depth and 1.
func tremolo(rate, depth float64) fn {
	return func(t float64) float64 {
		return 1 - depth*(0.5+0.5*math.Sin(2*math.Pi*rate*t))
	}
}

// --- oscillators ---------------------------------------------------------

type wave int

const (
	sine wave = iota
	tri
	saw
	square
	pulse25
	pulse12
)

// polyBLEP smooths the discontinuities of naive waveforms to reduce aliasing.
func polyBLEP(ph, dt float64) float64 {
	switch {
	case ph < dt:
		x := ph / dt
		return x + x - x*x - 1
	case ph > 1-dt:
		x := (ph - 1) / dt
		return x*x + x + x + 1
	}
	return 0
}

func frac(x float64) float64 { return x - math.Floor(x) }

func pulseWave(ph, dt, width float64) float64 {
	v := -1.0
	if ph < width {
		v = 1
	}
	return v + polyBLEP(ph, dt) - polyBLEP(frac(ph+1-width), dt)
}

func sample(w wave, ph, dt float64) float64 {
	switch w {
	case sine:
		return math.Sin(2 * math.Pi * ph)
	case tri:
		return 1 - 4*math.Abs(ph-0.5)
	case saw:
		return 2*ph - 1 - polyBLEP(ph, dt)
	case square:
		return pulseWave(ph, dt, 0.5)
	case pulse25:
		return pulseWave(ph, dt, 0.25)
	case pulse12:
		return pulseWave(ph, dt, 0.125)
	}
	panic("unknown wave")
}

// tone renders dur seconds of waveform w with frequency f(t) and gain env(t).
func tone(w wave, dur float64, f, env fn) buf {
	b := newBuf(dur)
	ph := 0.0
	for i := range b {
		t := float64(i) / sampleRate
		fr := f(t)
		dt := fr / sampleRate
		b[i] = sample(w, ph, dt) * env(t)
		ph = frac(ph + dt)
	}
	return b.fadeOut(0.004)
}

// fadeOut ramps the last seconds of b down to zero, so that notes cut off
// at the end of their buffer do not click.
func (b buf) fadeOut(seconds float64) buf {
	n := min(len(b), int(seconds*sampleRate))
	for i := 0; i < n; i++ {
		b[len(b)-1-i] *= float64(i) / float64(n)
	}
	return b
}

// note adds a tone into b at start.
func (b buf) note(start, dur float64, w wave, f, env fn, gain float64) {
	b.mix(tone(w, dur, f, env), start, gain)
}

// midi converts a MIDI note number to Hz (69 = A4 = 440 Hz).
func midi(n float64) float64 { return 440 * math.Pow(2, (n-69)/12) }

// --- filters ---------------------------------------------------------------

type filterKind int

const (
	lowpass filterKind = iota
	highpass
	bandpass
)

// biquad is an RBJ cookbook filter (Direct Form I).
type biquad struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

func (q *biquad) set(k filterKind, fc, res float64) {
	fc = math.Min(math.Max(fc, 10), sampleRate*0.45)
	w := 2 * math.Pi * fc / sampleRate
	cw, sw := math.Cos(w), math.Sin(w)
	alpha := sw / (2 * res)
	var b0, b1, b2 float64
	switch k {
	case lowpass:
		b0, b1, b2 = (1-cw)/2, 1-cw, (1-cw)/2
	case highpass:
		b0, b1, b2 = (1+cw)/2, -(1 + cw), (1+cw)/2
	case bandpass: // constant 0 dB peak gain
		b0, b1, b2 = alpha, 0, -alpha
	}
	a0 := 1 + alpha
	q.b0, q.b1, q.b2 = b0/a0, b1/a0, b2/a0
	q.a1, q.a2 = -2*cw/a0, (1-alpha)/a0
}

func (q *biquad) step(x float64) float64 {
	y := q.b0*x + q.b1*q.x1 + q.b2*q.x2 - q.a1*q.y1 - q.a2*q.y2
	q.x2, q.x1 = q.x1, x
	q.y2, q.y1 = q.y1, y
	return y
}

// filter runs b through a static filter in place.
func (b buf) filter(k filterKind, fc, res float64) buf {
	var q biquad
	q.set(k, fc, res)
	for i, v := range b {
		b[i] = q.step(v)
	}
	return b
}

// sweep runs b through a filter whose cutoff follows fc(t).
func (b buf) sweep(k filterKind, fc fn, res float64) buf {
	var q biquad
	for i, v := range b {
		if i%16 == 0 {
			q.set(k, fc(float64(i)/sampleRate), res)
		}
		b[i] = q.step(v)
	}
	return b
}

func (b buf) clone() buf { return append(buf(nil), b...) }

// --- plucked string (Karplus–Strong) ---------------------------------------

// pluck renders a plucked string; decay close to 1 rings longer, bright in
// (0, 1] shapes the initial excitation.
func pluck(r *rng, freq, dur, decay, bright float64) buf {
	n := int(math.Round(sampleRate / freq))
	if n < 2 {
		n = 2
	}
	line := make([]float64, n)
	prev := 0.0
	for i := range line {
		x := r.bi()
		prev += bright * (x - prev)
		line[i] = prev
	}
	b := newBuf(dur)
	idx := 0
	for i := range b {
		v := line[idx]
		nx := line[(idx+1)%n]
		line[idx] = decay * 0.5 * (v + nx)
		b[i] = v
		idx = (idx + 1) % n
	}
	return b.fadeOut(0.01)
}

// --- reverb (a small Schroeder/Freeverb-style network) ---------------------

// reverb returns dry + wet*reverberated(b); size in (0, 1) sets the decay
// and damp in [0, 1) darkens the tail. b should have room for the tail.
func (b buf) reverb(wet, size, damp float64) buf {
	combs := []int{557, 593, 641, 677, 709, 743, 787, 811}
	allpasses := []int{277, 221, 173}
	out := make(buf, len(b))
	for _, d := range combs {
		line := make([]float64, d)
		idx, store := 0, 0.0
		fb := 0.7 + 0.28*size
		for i, x := range b {
			y := line[idx]
			store = y*(1-damp) + store*damp
			line[idx] = x*0.05 + store*fb
			out[i] += y
			idx = (idx + 1) % d
		}
	}
	for _, d := range allpasses {
		line := make([]float64, d)
		idx := 0
		for i, x := range out {
			y := line[idx]
			line[idx] = x + y*0.5
			out[i] = y - x*0.5
			idx = (idx + 1) % d
		}
	}
	for i := range b {
		b[i] += wet * out[i]
	}
	return b
}

// echo adds repeats every delay seconds, each scaled by fb.
func (b buf) echo(delay, fb float64) buf {
	d := int(delay * sampleRate)
	for i := d; i < len(b); i++ {
		b[i] += fb * b[i-d]
	}
	return b
}

// --- formant voice ---------------------------------------------------------

// vowel holds the first three formant frequencies (Hz).
type vowel [3]float64

var vowels = map[byte]vowel{
	'a': {800, 1150, 2800},
	'e': {500, 1750, 2600},
	'i': {300, 2250, 3000},
	'o': {450, 800, 2800},
	'u': {330, 700, 2450},
	'y': {270, 2100, 2900}, // a glide towards "ee"
	'm': {250, 1000, 2300}, // a nasal hum
	'l': {350, 1100, 2600},
	'h': {600, 1400, 2600},
	'r': {450, 1200, 1700},
}

// vowelTrack interpolates between vowels at given times (seconds).
func vowelTrack(times []float64, vs string) func(t float64) vowel {
	return func(t float64) vowel {
		if t <= times[0] {
			return vowels[vs[0]]
		}
		for i := 0; i+1 < len(times); i++ {
			if t < times[i+1] {
				a, b := vowels[vs[i]], vowels[vs[i+1]]
				x := (t - times[i]) / (times[i+1] - times[i])
				x = x * x * (3 - 2*x) // smoothstep
				var v vowel
				for k := range v {
					v[k] = a[k] + (b[k]-a[k])*x
				}
				return v
			}
		}
		return vowels[vs[len(vs)-1]]
	}
}

// voice renders a synthetic sung/vocal-like sound: a buzzy glottal source
// through three formant resonators. It is a generic instrument (like a
// vocoder "choir" preset), not a model of any real person's voice.
func voice(r *rng, dur float64, pitch fn, track func(float64) vowel, env fn, breath float64) buf {
	src := tone(saw, dur, vibrato(pitch, 5.3, 0.08, 0.2), constant(1))
	src.filter(lowpass, 3500, 0.7)
	for i := range src {
		src[i] += breath * r.bi()
	}
	var qs [3]biquad
	gains := [3]float64{1, 0.6, 0.3}
	bws := [3]float64{80, 100, 140}
	out := newBuf(dur)
	for i, x := range src {
		t := float64(i) / sampleRate
		if i%16 == 0 {
			v := track(t)
			for k := range qs {
				qs[k].set(bandpass, v[k], v[k]/bws[k])
			}
		}
		y := 0.0
		for k := range qs {
			y += gains[k] * qs[k].step(x)
		}
		out[i] = y * env(t)
	}
	return out
}
