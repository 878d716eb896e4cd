package main

// Instruments built from the primitives in dsp.go. Each adds itself into a
// buffer at a start time (seconds).

import "math"

// kick: a sine whose pitch falls quickly, plus a click.
func kick(b buf, at, gain float64) {
	b.note(at, 0.45, sine, glide(160, 45, 0.12), perc(0.002, 0.12), gain)
	b.note(at, 0.01, tri, constant(1200), perc(0.0005, 0.003), gain*0.3)
}

// snare: a short tone body plus band-passed noise.
func snare(r *rng, b buf, at, gain float64) {
	b.note(at, 0.2, tri, glide(240, 170, 0.05), perc(0.001, 0.04), gain*0.6)
	n := noise(r, 0.3, perc(0.001, 0.07)).filter(highpass, 900, 0.7)
	b.mix(n, at, gain*0.9)
}

// gatedSnare: an 80s snare with a big reverb that is abruptly cut off.
func gatedSnare(r *rng, b buf, at, gain float64) {
	s := newBuf(0.5)
	snare(r, s, 0, 1)
	s.reverb(3, 0.9, 0.3)
	s.shape(gate(0, 0.28, 0.02))
	b.mix(s, at, gain)
}

// hat: a closed (short) or open (long) hi-hat.
func hat(r *rng, b buf, at, gain float64, open bool) {
	tau := 0.015
	if open {
		tau = 0.12
	}
	n := noise(r, tau*6+0.01, perc(0.0005, tau)).filter(highpass, 6000, 0.8)
	b.mix(n, at, gain)
}

// clap: three quick noise bursts and a short tail, band-passed.
func clap(r *rng, b buf, at, gain float64) {
	c := newBuf(0.35)
	for i, dt := range []float64{0, 0.011, 0.022} {
		c.mix(noise(r, 0.02, perc(0.0005, 0.004)), dt, 1-0.15*float64(i))
	}
	c.mix(noise(r, 0.3, perc(0.001, 0.06)), 0.03, 0.8)
	c.filter(bandpass, 1200, 1.2)
	b.mix(c, at, gain*2)
}

// cymbal: metallic square partials plus noise, high-passed, long decay.
func cymbal(r *rng, b buf, at, dur, gain float64) {
	c := newBuf(dur)
	for _, f := range []float64{587, 845, 1253, 1546, 1879, 2213} {
		c.note(0, dur, square, constant(f), perc(0.001, dur/3), 0.12)
	}
	c.mix(noise(r, dur, perc(0.001, dur/3.5)), 0, 0.8)
	c.filter(highpass, 4000, 0.7).filter(highpass, 3000, 0.7)
	b.mix(c, at, gain)
}

// tom: a pitched drum.
func tom(b buf, at, freq, gain float64) {
	b.note(at, 0.5, sine, glide(freq*1.5, freq, 0.05), perc(0.002, 0.15), gain)
	b.note(at, 0.5, tri, glide(freq*3, freq*2, 0.05), perc(0.002, 0.05), gain*0.2)
}

// timpani: a tuned drum with slight inharmonic partials.
func timpani(b buf, at, freq, gain float64) {
	for i, p := range []float64{1, 1.5, 1.98, 2.44} {
		b.note(at, 1.6, sine, glide(freq*p*1.02, freq*p, 0.08), perc(0.003, 0.5/float64(i+1)), gain/float64(i+1))
	}
}

// bell: struck-bell partials (hum, prime, tierce, quint, nominal...), each
// decaying at its own rate.
func bell(b buf, at, freq, dur, gain float64) {
	partials := []struct{ ratio, amp, tau float64 }{
		{0.5, 0.35, 0.9}, {1, 1, 0.6}, {1.19, 0.45, 0.45}, {1.5, 0.3, 0.35},
		{2, 0.5, 0.3}, {2.52, 0.25, 0.2}, {2.66, 0.2, 0.18}, {3.01, 0.15, 0.14}, {4.1, 0.1, 0.08},
	}
	for _, p := range partials {
		f := freq * p.ratio
		if f > sampleRate*0.45 {
			continue
		}
		b.note(at, dur, sine, constant(f), perc(0.002, p.tau*dur), gain*p.amp)
	}
}

// chime: a lighter bell with fewer partials (glockenspiel-like).
func chime(b buf, at, freq, dur, gain float64) {
	for _, p := range []struct{ ratio, amp, tau float64 }{{1, 1, 0.4}, {2.76, 0.3, 0.15}, {5.4, 0.12, 0.06}} {
		f := freq * p.ratio
		if f > sampleRate*0.45 {
			continue
		}
		b.note(at, dur, sine, constant(f), perc(0.001, p.tau*dur), gain*p.amp)
	}
}

// brass: two detuned saws through a low-pass that opens with the attack.
func brass(b buf, at, dur float64, f fn, gain, bright float64) {
	env := adsr(0.04, 0.15, 0.75, 0.12, dur)
	t := tone(saw, dur, f, env)
	t.mix(tone(saw, dur, func(x float64) float64 { return f(x) * 1.004 }, env), 0, 1)
	f0 := f(0)
	t.sweep(lowpass, func(x float64) float64 {
		return f0 * (1.5 + bright*5*env(x))
	}, 1.1)
	b.mix(t, at, gain*0.5)
}

// piano: a struck-string-ish tone: harmonics with faster decay up high.
func piano(b buf, at, freq, dur, gain float64) {
	for h := 1; h <= 8; h++ {
		f := freq * float64(h) * (1 + 0.0004*float64(h*h))
		if f > sampleRate*0.45 {
			break
		}
		amp := 1 / math.Pow(float64(h), 1.3)
		b.note(at, dur, sine, constant(f), mul(perc(0.003, 0.9/float64(h)), adsr(0.001, 0, 1, 0.05, dur)), gain*amp)
	}
}

// epiano: a soft electric piano (sine + bell-like overtone), tremolo.
func epiano(b buf, at, freq, dur, gain float64) {
	env := mul(perc(0.004, 1.2), adsr(0.001, 0, 1, 0.1, dur), tremolo(4.5, 0.25))
	b.note(at, dur, sine, constant(freq), env, gain)
	b.note(at, dur, sine, constant(freq*4), mul(perc(0.001, 0.08), adsr(0.001, 0, 1, 0.05, dur)), gain*0.25)
}

// chip: a chiptune square note.
func chip(b buf, at, dur, freq, gain float64, w wave) {
	b.note(at, dur, w, constant(freq), adsr(0.003, 0.05, 0.7, 0.02, dur), gain)
}

// organ: a calliope/organ voice: sine + octave + a little square.
func organ(b buf, at, dur, freq, gain float64) {
	env := adsr(0.01, 0.05, 0.85, 0.04, dur)
	f := vibrato(constant(freq), 6, 0.12, 0)
	b.note(at, dur, sine, f, env, gain)
	b.note(at, dur, sine, func(t float64) float64 { return 2 * f(t) }, env, gain*0.5)
	b.note(at, dur, pulse25, f, env, gain*0.15)
}

// whoosh: noise through a band-pass that sweeps from f0 to f1.
func whoosh(r *rng, b buf, at, dur, f0, f1, gain float64) {
	n := noise(r, dur, adsr(dur*0.4, 0, 1, dur*0.6, dur))
	n.sweep(bandpass, glide(f0, f1, dur), 2)
	b.mix(n, at, gain)
}

// slideWhistle: a pure whistle gliding along f(t), with a breathy edge.
func slideWhistle(r *rng, b buf, at, dur float64, f fn, gain float64) {
	env := adsr(0.02, 0, 1, 0.05, dur)
	b.note(at, dur, sine, f, env, gain)
	n := noise(r, dur, env)
	n.sweep(bandpass, f, 8)
	b.mix(n, at, gain*0.6)
}

// bulbHorn: a clown horn "honk": a squeezed reed buzz with a pitch sag.
func bulbHorn(b buf, at, dur, freq, gain float64) {
	f := func(t float64) float64 { return freq * (1 - 0.06*t/dur) * (1 + 0.01*math.Sin(2*math.Pi*31*t)) }
	t := tone(saw, dur, f, adsr(0.02, 0.03, 0.9, 0.06, dur))
	t.mix(tone(square, dur, func(x float64) float64 { return f(x) * 2.003 }, adsr(0.02, 0.03, 0.9, 0.06, dur)), 0, 0.4)
	t.filter(bandpass, 1100, 1.2).clip(3)
	b.mix(t, at, gain)
}

// fiddle: a bowed string: saw with vibrato through body resonances.
func fiddle(b buf, at, dur float64, f fn, gain float64) {
	t := tone(saw, dur, vibrato(f, 6, 0.15, 0.08), adsr(0.02, 0.04, 0.8, 0.03, dur))
	body := t.clone().filter(bandpass, 500, 1.5)
	t.filter(bandpass, 2600, 1.2)
	t.mix(body, 0, 1)
	b.mix(t, at, gain)
}

// flute: sine + breath noise with delayed vibrato.
func flute(r *rng, b buf, at, dur float64, f fn, gain float64) {
	env := adsr(0.06, 0.1, 0.85, 0.1, dur)
	vf := vibrato(f, 5, 0.12, 0.25)
	b.note(at, dur, sine, vf, env, gain)
	b.note(at, dur, sine, func(t float64) float64 { return 2 * vf(t) }, env, gain*0.15)
	n := noise(r, dur, env)
	n.sweep(bandpass, vf, 6)
	b.mix(n, at, gain*0.35)
}

// sax: a reedy lead: saw + square, breath, formant body and vibrato.
func saxNote(r *rng, b buf, at, dur float64, f fn, gain float64) {
	env := adsr(0.03, 0.1, 0.8, 0.08, dur)
	vf := vibrato(f, 5.5, 0.25, 0.3)
	t := tone(saw, dur, vf, env)
	t.mix(tone(square, dur, vf, env), 0, 0.4)
	t.mix(noise(r, dur, env).filter(highpass, 1500, 0.7), 0, 0.08)
	low := t.clone().filter(bandpass, 600, 1.2)
	t.filter(bandpass, 1500, 1.5)
	t.mix(low, 0, 1.2)
	b.mix(t.clip(1.8), at, gain)
}

// dtmf: a telephone key tone.
func dtmf(b buf, at, dur float64, key byte, gain float64) {
	rows := []float64{697, 770, 852, 941}
	cols := []float64{1209, 1336, 1477}
	keys := "123456789*0#"
	i := 0
	for k := range keys {
		if keys[k] == key {
			i = k
		}
	}
	env := adsr(0.003, 0, 1, 0.003, dur)
	b.note(at, dur, sine, constant(rows[i/3]), env, gain)
	b.note(at, dur, sine, constant(cols[i%3]), env, gain)
}
