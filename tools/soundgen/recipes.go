package main

// One recipe per /play name. Each is an original little sound that evokes
// the name's mood; melodies are our own, and the "voice" instrument is a
// generic formant synth, not an impression of anybody.

import "math"

var recipes = map[string]func(r *rng) buf{
	"56k":           modem56k,
	"ballmer":       ballmer,
	"bell":          bellSound,
	"bezos":         bezos,
	"bueller":       bueller,
	"butts":         butts,
	"clowntown":     clowntown,
	"cottoneyejoe":  cottoneyejoe,
	"crickets":      crickets,
	"curb":          curb,
	"dadgummit":     dadgummit,
	"dangerzone":    dangerzone,
	"danielsan":     danielsan,
	"deeper":        deeper,
	"donotwant":     donotwant,
	"drama":         drama,
	"flawless":      flawless,
	"glados":        glados,
	"gogogo":        gogogo,
	"greatjob":      greatjob,
	"greyjoy":       greyjoy,
	"guarantee":     guarantee,
	"heygirl":       heygirl,
	"honk":          honk,
	"horn":          horn,
	"horror":        horror,
	"inconceivable": inconceivable,
	"letitgo":       letitgo,
	"live":          live,
	"loggins":       loggins,
	"makeitso":      makeitso,
	"noooo":         noooo,
	"nyan":          nyan,
	"ohmy":          ohmy,
	"ohyeah":        ohyeah,
	"pushit":        pushit,
	"rimshot":       rimshot,
	"rollout":       rollout,
	"rumble":        rumble,
	"sax":           sax,
	"secret":        secret,
	"sexyback":      sexyback,
	"story":         story,
	"tada":          tada,
	"tmyk":          tmyk,
	"totes":         totes,
	"trololo":       trololo,
	"trombone":      trombone,
	"unix":          unix,
	"vuvuzela":      vuvuzela,
	"what":          what,
	"whoomp":        whoomp,
	"wups":          wups,
	"yay":           yay,
	"yeah":          yeah,
	"yodel":         yodel,
}

// nt is a melody step: MIDI note (0 = rest) and length in seconds.
type nt struct{ m, d float64 }

// play walks a melody from start, calling fn for each sounding note, and
// returns the time after the last step.
func play(start float64, mel []nt, fn func(at, dur, freq float64)) float64 {
	t := start
	for _, n := range mel {
		if n.m > 0 {
			fn(t, n.d, midi(n.m))
		}
		t += n.d
	}
	return t
}

// chord plays several MIDI notes with the same instrument.
func chord(notes []float64, fn func(freq float64)) {
	for _, m := range notes {
		fn(midi(m))
	}
}

// cricket: one chirp of a few fast sine pulses.
func cricket(b buf, at, carrier, gain float64, pulses int) {
	for p := 0; p < pulses; p++ {
		b.note(at+float64(p)*0.024, 0.016, sine, glide(carrier*1.03, carrier, 0.016), adsr(0.003, 0, 1, 0.006, 0.016), gain)
	}
}

func modem56k(r *rng) buf {
	b := newBuf(3.7)
	dial := adsr(0.01, 0, 1, 0.01, 0.35)
	b.note(0, 0.35, sine, constant(350), dial, 0.25)
	b.note(0, 0.35, sine, constant(440), dial, 0.25)
	t := 0.42
	for i := 0; i < 7; i++ {
		dtmf(b, t, 0.07, "0123456789"[r.pick(10)], 0.3)
		t += 0.1
	}
	t += 0.1
	// Answer tone with a phase reversal.
	ans := tone(sine, 0.55, constant(2100), adsr(0.01, 0, 1, 0.01, 0.55))
	for i := len(ans) / 2; i < len(ans); i++ {
		ans[i] = -ans[i]
	}
	b.mix(ans, t, 0.35)
	t += 0.6
	fsk := func(at, dur, f0, f1, baud, gain float64) {
		n := int(dur * baud)
		times, vals := make([]float64, n), make([]float64, n)
		for i := range times {
			times[i] = float64(i) / baud
			vals[i] = f0
			if r.unit() < 0.5 {
				vals[i] = f1
			}
		}
		b.note(at, dur, sine, steps(times, vals, 0.002), adsr(0.005, 0, 1, 0.01, dur), gain)
	}
	fsk(t, 0.4, 980, 1180, 50, 0.3)
	fsk(t, 0.4, 1650, 1850, 50, 0.2)
	t += 0.45
	b.note(t, 0.14, sine, constant(1200), adsr(0.005, 0, 1, 0.01, 0.14), 0.35)
	b.note(t+0.15, 0.14, sine, constant(2400), adsr(0.005, 0, 1, 0.01, 0.14), 0.25)
	t += 0.35
	hiss := noise(r, 0.95, adsr(0.05, 0, 1, 0.1, 0.95)).filter(bandpass, 1800, 0.7)
	hiss.shape(tremolo(27, 0.6))
	b.mix(hiss, t, 0.6)
	fsk(t, 0.95, 1200, 2400, 120, 0.15)
	return b
}

func ballmer(r *rng) buf {
	b := newBuf(3.3)
	beat := 0.3
	for bar := 0; bar < 2; bar++ {
		t0 := float64(bar) * 4 * beat
		kick(b, t0, 0.9)
		kick(b, t0+beat, 0.9)
		clap(r, b, t0+2*beat, 0.7)
		kick(b, t0+3*beat, 0.6)
		clap(r, b, t0+3.5*beat, 0.5)
	}
	// Ever-higher chant stabs, two per beat.
	for i := 0; i < 16; i++ {
		at := float64(i) * beat / 2
		root := 57 + float64(i/4)*2
		d := 0.11
		chord([]float64{root, root + 4, root + 7}, func(f float64) {
			brass(b, at, d, constant(f), 0.22, 0.8)
		})
	}
	whoosh(r, b, 0.6, 1.8, 300, 5000, 0.5)
	at := 8 * beat
	kick(b, at, 1)
	cymbal(r, b, at, 1.0, 0.5)
	chord([]float64{65, 69, 72, 77}, func(f float64) {
		brass(b, at, 0.7, vibrato(constant(f), 6, 0.1, 0.2), 0.3, 1)
	})
	return b
}

func bellSound(r *rng) buf {
	b := newBuf(2.8)
	bell(b, 0, 523.25, 2.8, 0.6)
	bell(b, 0.01, 523.25*1.003, 2.6, 0.2) // slight shimmer
	return b.reverb(0.25, 0.7, 0.3)
}

func bezos(r *rng) buf {
	b := newBuf(2.3)
	pitches := []float64{170, 160, 152, 144, 128}
	for i, p := range pitches {
		at := 0.05 + 0.23*float64(i)
		d := 0.17
		if i == len(pitches)-1 {
			d = 0.55
		}
		track := vowelTrack([]float64{0, 0.05}, "ha")
		if i == 0 {
			track = vowelTrack([]float64{0, 0.07}, "ma")
		} else {
			h := noise(r, 0.06, adsr(0.01, 0, 1, 0.03, 0.06)).filter(bandpass, 1500, 1)
			b.mix(h, at, 0.2)
		}
		v := voice(r, d, glide(p*1.06, p*0.9, d), track, adsr(0.02, 0.05, 0.8, 0.06, d), 0.04)
		b.mix(v, at+0.03, 1)
	}
	return b.reverb(0.5, 0.75, 0.4)
}

func bueller(r *rng) buf {
	b := newBuf(3.7)
	for i := 0; i < 7; i++ {
		at := 0.1 + 0.5*float64(i)
		f := 2000.0
		if i%2 == 1 {
			f = 1600
		}
		b.note(at, 0.02, sine, constant(f), perc(0.001, 0.005), 0.12)
		b.mix(noise(r, 0.02, perc(0.0005, 0.003)).filter(highpass, 3000, 0.7), at, 0.15)
	}
	// A flat, bored, unanswered call... twice.
	for _, at := range []float64{0.3, 1.4} {
		d := 0.55
		v := voice(r, d, constant(112), vowelTrack([]float64{0, 0.1, 0.25, 0.35}, "uele"), adsr(0.03, 0.05, 0.8, 0.08, d), 0.03)
		b.mix(v, at, 1)
	}
	cricket(b, 2.4, 4300, 0.25, 3)
	cricket(b, 2.85, 4300, 0.22, 3)
	cricket(b, 3.3, 4300, 0.18, 3)
	return b
}

func butts(r *rng) buf {
	b := newBuf(1.5)
	for i := 0; i < 2; i++ {
		at := 0.03 + 0.15*float64(i)
		v := voice(r, 0.11, glide(290, 250, 0.11), vowelTrack([]float64{0, 0.02}, "he"), perc(0.008, 0.045), 0.25)
		b.mix(v, at, 1.1)
	}
	// A silly raspberry.
	d := 0.7
	f := func(t float64) float64 { return 95 + 20*math.Sin(2*math.Pi*3*t) - 25*t }
	env := mul(adsr(0.02, 0.1, 0.8, 0.15, d), func(t float64) float64 {
		return 0.55 + 0.45*math.Sin(2*math.Pi*23*t)
	})
	rasp := tone(saw, d, f, env)
	rasp.mix(noise(r, d, env), 0, 0.3)
	rasp.filter(lowpass, 900, 1.5).clip(2.5)
	b.mix(rasp, 0.45, 0.9)
	return b
}

func clowntown(r *rng) buf {
	b := newBuf(3.2)
	beat := 0.16
	mel := []nt{{79, beat}, {84, beat}, {83, beat}, {84, beat}, {86, beat}, {84, beat}, {81, beat}, {79, beat},
		{77, beat}, {81, beat}, {79, beat}, {76, beat}, {72, 3 * beat}}
	play(0, mel, func(at, d, f float64) { organ(b, at, d*0.9, f, 0.3) })
	for i := 0; i < 15; i++ {
		at := float64(i) * beat
		if i%2 == 0 {
			bass := 48.0
			if i%4 == 2 {
				bass = 43
			}
			b.note(at, beat*0.8, tri, constant(midi(bass)), adsr(0.005, 0.05, 0.6, 0.03, beat*0.8), 0.45)
		} else {
			chord([]float64{64, 67, 72}, func(f float64) { organ(b, at, beat*0.6, f, 0.07) })
		}
	}
	bulbHorn(b, 2.45, 0.17, 440, 0.45)
	bulbHorn(b, 2.7, 0.28, 415, 0.5)
	return b
}

func cottoneyejoe(r *rng) buf {
	b := newBuf(3.2)
	e := 0.13
	mel := []nt{{74, e}, {78, e}, {81, e}, {78, e}, {74, e}, {76, e}, {78, e}, {76, e},
		{74, e}, {69, e}, {71, e}, {74, e}, {76, e}, {78, e}, {79, e}, {76, e}}
	end := play(0, mel, func(at, d, f float64) { fiddle(b, at, d*0.95, constant(f), 0.5) })
	fiddle(b, end, 0.6, glide(midi(74), midi(86), 0.35), 0.55)
	for i := 0; i < 9; i++ {
		at := float64(i) * 2 * e
		kick(b, at, 0.55)
		root := []float64{50, 45, 50, 45, 50, 43, 45, 45, 50}[i]
		b.mix(pluck(r, midi(root+12), 0.4, 0.995, 0.8), at+e, 0.25)
		b.mix(pluck(r, midi(root+19), 0.4, 0.995, 0.8), at+e+0.005, 0.2)
		if i%2 == 1 {
			clap(r, b, at+e, 0.25)
		}
	}
	kick(b, end+0.6, 0.8)
	clap(r, b, end+0.6, 0.4)
	return b
}

func crickets(r *rng) buf {
	b := newBuf(3.0)
	for t := 0.05; t < 2.8; t += 0.43 + 0.05*r.unit() {
		cricket(b, t, 4400, 0.3, 3+r.pick(2))
	}
	for t := 0.3; t < 2.8; t += 0.61 + 0.08*r.unit() {
		cricket(b, t, 3800, 0.2, 4)
	}
	night := noise(r, 3.0, constant(1)).filter(lowpass, 400, 0.7).filter(lowpass, 400, 0.7)
	b.mix(night, 0, 0.12)
	return b
}

func curb(r *rng) buf {
	b := newBuf(3.3)
	e := 0.15
	mel := []nt{{65, e}, {0, e}, {69, e}, {72, e}, {70, 2 * e}, {69, e}, {67, e},
		{65, e}, {0, e}, {64, e}, {65, e}, {67, 2 * e}, {60, 2 * e}, {65, 3 * e}}
	play(0, mel, func(at, d, f float64) {
		b.mix(pluck(r, f, 0.5, 0.993, 0.9), at, 0.35)
		b.mix(pluck(r, f*2, 0.3, 0.99, 0.9), at, 0.12)
	})
	bass := []float64{41, 36, 41, 36, 34, 36, 41, 36, 41, 41}
	for i, m := range bass {
		at := float64(i) * 2 * e
		d := e * 1.1
		t := tone(saw, d, constant(midi(m)), adsr(0.02, 0.05, 0.7, 0.04, d))
		t.mix(tone(sine, d, constant(midi(m)), adsr(0.02, 0.05, 0.7, 0.04, d)), 0, 1)
		t.filter(lowpass, 500, 1.2)
		b.mix(t, at, 0.5)
	}
	return b
}

func dadgummit(r *rng) buf {
	b := newBuf(1.7)
	d := 0.62
	v := voice(r, d, steps([]float64{0, 0.16, 0.36}, []float64{150, 125, 105}, 0.04),
		vowelTrack([]float64{0, 0.05, 0.15, 0.2, 0.3, 0.4, 0.5}, "haumuii"), adsr(0.02, 0.05, 0.85, 0.08, d), 0.08)
	b.mix(v.clip(2), 0.02, 0.9)
	// Fist on the desk.
	at := 0.8
	kick(b, at, 1)
	thud := noise(r, 0.3, perc(0.001, 0.05)).filter(lowpass, 1200, 0.9)
	b.mix(thud, at, 0.8)
	for i := 0; i < 5; i++ {
		chime(b, at+0.03+0.04*float64(i)+0.02*r.unit(), r.between(1800, 3200), 0.25, 0.05)
	}
	return b
}

func dangerzone(r *rng) buf {
	b := newBuf(3.8)
	beat := 0.26
	for i := 0; i < 20; i++ {
		at := float64(i) * beat / 2
		m := 40.0
		if i >= 12 {
			m = 38
		}
		d := beat / 2 * 0.9
		t := tone(saw, d, constant(midi(m)), adsr(0.005, 0.08, 0.4, 0.02, d))
		t.mix(tone(saw, d, constant(midi(m)*1.007), adsr(0.005, 0.08, 0.4, 0.02, d)), 0, 1)
		t.sweep(lowpass, glide(2500, 300, 0.08), 2)
		b.mix(t, at, 0.35)
	}
	for i := 0; i < 10; i++ {
		at := float64(i) * beat
		if i%2 == 0 {
			kick(b, at, 0.8)
		} else {
			gatedSnare(r, b, at, 0.45)
		}
	}
	pad := func(at, d float64, notes []float64) {
		chord(notes, func(f float64) { brass(b, at, d, vibrato(constant(f), 5, 0.06, 0.3), 0.14, 0.5) })
	}
	pad(0, 1.5, []float64{64, 67, 71})
	pad(1.56, 1.0, []float64{62, 66, 69})
	at := 2.6
	kick(b, at, 1)
	cymbal(r, b, at, 1.1, 0.4)
	pad(at, 1.1, []float64{52, 64, 71, 76})
	// A jet screams past.
	whoosh(r, b, 1.9, 1.8, 4000, 400, 0.9)
	b.note(1.9, 1.8, saw, glide(1900, 800, 1.8), adsr(0.8, 0, 1, 0.9, 1.8), 0.03)
	return b
}

func danielsan(r *rng) buf {
	b := newBuf(2.6)
	mel := []nt{{69, 0.14}, {72, 0.14}, {74, 0.14}, {76, 0.22}, {74, 0.14}, {72, 0.5}}
	play(0, mel, func(at, d, f float64) { flute(r, b, at, d, constant(f), 0.4) })
	whoosh(r, b, 1.1, 0.2, 600, 3500, 0.9)
	whoosh(r, b, 1.35, 0.2, 3500, 600, 0.9)
	at := 1.6
	kick(b, at, 0.8)
	b.mix(noise(r, 0.12, perc(0.001, 0.03)).filter(bandpass, 900, 1), at, 1.2)
	bell(b, at+0.02, 196, 0.95, 0.25)
	return b.reverb(0.2, 0.6, 0.4)
}

func braam(b buf, at, dur float64, notes []float64, drop float64) {
	for _, m := range notes {
		f := glide(midi(m), midi(m-drop), dur)
		env := adsr(0.08, 0.3, 0.7, 0.4, dur)
		t := tone(saw, dur, f, env)
		t.mix(tone(saw, dur, func(x float64) float64 { return f(x) * 1.008 }, env), 0, 1)
		t.mix(tone(saw, dur, func(x float64) float64 { return f(x) * 0.993 }, env), 0, 1)
		t.sweep(lowpass, func(x float64) float64 { return 150 + 1400*math.Exp(-x/0.4)*math.Min(1, x/0.06) }, 1.4)
		b.mix(t.clip(1.5), at, 0.25)
	}
}

func deeper(r *rng) buf {
	b := newBuf(3.6)
	braam(b, 0, 1.3, []float64{33, 45, 52}, 0)
	timpani(b, 0, 55, 0.7)
	braam(b, 1.45, 2.0, []float64{32, 44, 51}, 1.5)
	timpani(b, 1.45, 48, 0.8)
	b.note(1.45, 2.0, sine, glide(52, 36, 2.0), adsr(0.05, 0.2, 0.8, 0.6, 2.0), 0.5)
	return b.reverb(0.35, 0.8, 0.5)
}

func donotwant(r *rng) buf {
	b := newBuf(1.5)
	buzz := func(at, d float64, f fn) {
		env := adsr(0.01, 0.02, 0.9, 0.04, d)
		t := tone(square, d, f, env)
		t.mix(tone(saw, d, func(x float64) float64 { return f(x) * 1.05 }, env), 0, 0.8)
		t.filter(lowpass, 2200, 0.8).clip(2.5)
		b.mix(t, at, 0.5)
	}
	buzz(0, 0.3, constant(155))
	buzz(0.4, 0.9, glide(155, 95, 0.9))
	return b
}

func drama(r *rng) buf {
	b := newBuf(3.2)
	hit := func(at, d float64, notes []float64, g float64) {
		chord(notes, func(f float64) { brass(b, at, d, constant(f), g, 1) })
	}
	hit(0, 0.22, []float64{48, 55, 60, 63}, 0.25)
	timpani(b, 0, 65.4, 0.6)
	hit(0.35, 0.22, []float64{47, 54, 59, 62}, 0.25)
	timpani(b, 0.35, 61.7, 0.6)
	hit(0.75, 2.0, []float64{36, 48, 54, 63}, 0.3)
	for t := 0.75; t < 2.5; t += 0.045 {
		timpani(b, t, 49, 0.25*(1-(t-0.75)/2))
	}
	strings := newBuf(2.0)
	for _, m := range []float64{72, 75, 78} {
		strings.note(0, 2.0, saw, vibrato(constant(midi(m)), 5.5, 0.1, 0), adsr(0.1, 0.2, 0.8, 0.5, 2.0), 0.1)
	}
	strings.filter(lowpass, 3000, 0.7).shape(tremolo(13, 0.8))
	b.mix(strings, 0.75, 1)
	return b.reverb(0.3, 0.8, 0.4)
}

func flawless(r *rng) buf {
	b := newBuf(2.4)
	s := 0.085
	mel := []nt{{72, s}, {76, s}, {79, s}, {84, s}, {79, s}, {84, s}, {88, 2 * s}, {86, s}, {88, s}}
	end := play(0, mel, func(at, d, f float64) { chip(b, at, d*0.9, f, 0.25, square) })
	d := 1.1
	chord([]float64{72, 76, 79, 84}, func(f float64) {
		b.note(end, d, pulse25, vibrato(constant(f), 7, 0.15, 0.2), adsr(0.005, 0.1, 0.7, 0.3, d), 0.12)
	})
	b.note(end, d, pulse12, constant(midi(48)), adsr(0.005, 0.1, 0.7, 0.3, d), 0.2)
	for i := 0; i < 4; i++ {
		b.mix(noise(r, 0.08, perc(0.001, 0.02)), float64(i)*2*s, 0.3)
	}
	b.mix(noise(r, 0.5, perc(0.001, 0.12)).filter(highpass, 2000, 0.7), end, 0.4)
	return b
}

func glados(r *rng) buf {
	b := newBuf(2.8)
	chime(b, 0, midi(84), 0.6, 0.3)
	chime(b, 0.16, midi(88), 0.6, 0.3)
	times := []float64{0, 0.18, 0.3, 0.5, 0.62, 0.8, 1.0, 1.2}
	pitch := []float64{220, 247, 196, 262, 233, 208, 277, 185}
	d := 1.55
	v := voice(r, d, steps(times, pitch, 0.003),
		vowelTrack([]float64{0, 0.1, 0.25, 0.4, 0.55, 0.72, 0.9, 1.1, 1.4}, "eaioeauei"),
		mul(adsr(0.02, 0.05, 0.9, 0.1, d), gate(0, 0.47, 0.01)), 0.02)
	v2 := voice(r, d, steps(times, pitch, 0.003),
		vowelTrack([]float64{0, 0.1, 0.25, 0.4, 0.55, 0.72, 0.9, 1.1, 1.4}, "eaioeauei"),
		mul(adsr(0.02, 0.05, 0.9, 0.1, d), gate(0.55, 1.55, 0.01)), 0.02)
	v.mix(v2, 0, 1)
	v.shape(func(t float64) float64 { return 0.55 + 0.45*math.Sin(2*math.Pi*70*t) }) // ring modulation
	b.mix(v, 0.7, 1.2)
	return b.reverb(0.3, 0.5, 0.2)
}

func gogogo(r *rng) buf {
	b := newBuf(1.7)
	for i, m := range []float64{67, 72, 79} {
		at := 0.28 * float64(i)
		d := 0.2
		if i == 2 {
			d = 0.45
		}
		b.note(at, d, square, glide(midi(m-2), midi(m), 0.04), adsr(0.005, 0.05, 0.7, 0.05, d), 0.3)
		b.note(at, d, saw, glide(midi(m-14), midi(m-12), 0.04), adsr(0.005, 0.05, 0.7, 0.05, d), 0.2)
		kick(b, at, 0.8)
	}
	whoosh(r, b, 0.85, 0.7, 500, 6000, 0.8)
	return b
}

func greatjob(r *rng) buf {
	b := newBuf(3.0)
	for i := 0; i < 5; i++ {
		clap(r, b, 0.05+0.55*float64(i)+0.03*r.unit(), 0.6)
	}
	return b.reverb(0.6, 0.75, 0.3)
}

func greyjoy(r *rng) buf {
	b := newBuf(3.7)
	sea := noise(r, 3.7, func(t float64) float64 {
		return 0.3 + 0.7*math.Pow(math.Sin(math.Pi*t/1.9), 2)
	})
	foam := sea.clone().filter(highpass, 2500, 0.7)
	sea.filter(lowpass, 500, 0.7)
	b.mix(sea, 0, 0.5)
	b.mix(foam, 0, 0.06)
	d := 2.6
	chord([]float64{38, 45}, func(f float64) {
		t := tone(saw, d, vibrato(constant(f), 4, 0.05, 0.5), adsr(0.5, 0.3, 0.8, 0.8, d))
		t.filter(lowpass, 700, 1)
		b.mix(t, 0.6, 0.6)
	})
	timpani(b, 0.6, 55, 0.6)
	timpani(b, 2.0, 55, 0.5)
	return b.reverb(0.3, 0.85, 0.5)
}

func guarantee(r *rng) buf {
	b := newBuf(2.5)
	brass(b, 0, 0.28, constant(midi(45)), 0.5, 0.6)
	brass(b, 0.32, 0.5, constant(midi(50)), 0.5, 0.6)
	chord([]float64{62, 66, 69, 74}, func(f float64) { epiano(b, 0.9, f, 1.5, 0.15) })
	chime(b, 1.0, midi(86), 1.2, 0.25)
	chime(b, 1.1, midi(90), 1.2, 0.2)
	return b.reverb(0.2, 0.6, 0.4)
}

func heygirl(r *rng) buf {
	b := newBuf(3.0)
	chord([]float64{53, 57, 60, 64}, func(f float64) { epiano(b, 0, f, 2.8, 0.15) })
	b.note(0, 2.8, sine, constant(midi(41)), adsr(0.01, 0.5, 0.6, 0.5, 2.8), 0.3)
	slideWhistle(r, b, 0.6, 0.3, glide(1100, 2600, 0.22), 0.25)
	wolf := func(t float64) float64 {
		if t < 0.25 {
			return 1200 * math.Pow(2800.0/1200, t/0.25)
		}
		return 2800 * math.Pow(900.0/2800, (t-0.25)/0.45)
	}
	slideWhistle(r, b, 1.0, 0.7, wolf, 0.25)
	return b.reverb(0.2, 0.6, 0.3)
}

func honk(r *rng) buf {
	b := newBuf(0.8)
	bulbHorn(b, 0, 0.2, 430, 0.8)
	bulbHorn(b, 0.3, 0.35, 410, 0.8)
	return b
}

func horn(r *rng) buf {
	b := newBuf(1.5)
	car := func(at, d float64) {
		env := adsr(0.01, 0.02, 0.95, 0.03, d)
		t := tone(square, d, constant(415), env)
		t.mix(tone(square, d, constant(522), env), 0, 1)
		t.filter(bandpass, 900, 0.7).clip(2)
		b.mix(t, at, 0.5)
	}
	car(0, 0.18)
	car(0.28, 1.0)
	return b
}

func horror(r *rng) buf {
	b := newBuf(3.0)
	drone := tone(saw, 3.0, constant(55), mul(adsr(0.3, 0, 1, 0.6, 3.0), tremolo(6, 0.5)))
	drone.filter(lowpass, 300, 1)
	b.mix(drone, 0, 0.4)
	shriek := func(at, d, f float64, g float64) {
		t := tone(saw, d, vibrato(glide(f*1.06, f*0.97, d), 9, 0.4, 0), adsr(0.005, 0.04, 0.7, 0.05, d))
		t.filter(highpass, 700, 0.7)
		b.mix(t, at, g)
	}
	for i := 0; i < 6; i++ {
		at := 0.3 + 0.2*float64(i)
		f := 1500.0
		if i%2 == 1 {
			f = 1590
		}
		shriek(at, 0.17, f, 0.18)
	}
	shriek(1.55, 1.2, 1700, 0.15)
	shriek(1.55, 1.2, 1620, 0.12)
	return b.reverb(0.4, 0.8, 0.3)
}

func inconceivable(r *rng) buf {
	b := newBuf(1.9)
	up := func(t float64) float64 {
		if t < 0.45 {
			return 500 * math.Pow(4, t/0.45)
		}
		return 2000 * math.Pow(0.25, (t-0.45)/0.55)
	}
	slideWhistle(r, b, 0, 1.0, up, 0.35)
	boing := func(t float64) float64 { return 180 * (1 + 0.35*math.Sin(2*math.Pi*16*t)*math.Exp(-t/0.25)) }
	b.note(1.05, 0.8, sine, boing, perc(0.003, 0.25), 0.5)
	b.note(1.05, 0.8, tri, func(t float64) float64 { return 2 * boing(t) }, perc(0.003, 0.15), 0.15)
	return b
}

func letitgo(r *rng) buf {
	b := newBuf(3.9)
	mel := []nt{{72, 0.3}, {75, 0.3}, {77, 0.3}, {79, 0.6}, {77, 0.3}, {75, 0.3}, {80, 1.4}}
	play(0, mel, func(at, d, f float64) { piano(b, at, f, d+0.3, 0.3) })
	for i, c := range [][]float64{{56, 63, 68}, {53, 60, 65}, {49, 56, 61}, {51, 58, 63}} {
		at := float64(i) * 0.6
		chord(c, func(f float64) { piano(b, at, f, 0.9, 0.12) })
	}
	chord([]float64{44, 56, 63, 68}, func(f float64) { piano(b, 2.4, f, 1.4, 0.12) })
	for i := 0; i < 14; i++ {
		chime(b, 2.3+0.09*float64(i)+0.04*r.unit(), r.between(2500, 4800), 0.5, 0.035)
	}
	return b.reverb(0.35, 0.8, 0.3)
}

func live(r *rng) buf {
	b := newBuf(2.6)
	b.note(0, 0.15, sine, constant(1000), adsr(0.003, 0, 1, 0.003, 0.15), 0.3)
	for t := 0.25; t < 0.85; t += 0.04 {
		timpani(b, t, 73.4, 0.1+0.4*(t-0.25)/0.6)
	}
	stab := func(at, d float64, notes []float64) {
		chord(notes, func(f float64) { brass(b, at, d, constant(f), 0.2, 1) })
	}
	stab(0.9, 0.12, []float64{62, 66, 69})
	stab(1.08, 0.12, []float64{62, 66, 69})
	stab(1.26, 1.1, []float64{64, 68, 71, 76})
	kick(b, 1.26, 0.9)
	cymbal(r, b, 1.26, 1.2, 0.12)
	return b.reverb(0.2, 0.7, 0.4)
}

func loggins(r *rng) buf {
	b := newBuf(3.4)
	beat := 0.25
	power := func(at, d, m, g float64) {
		t := pluck(r, midi(m), d, 0.997, 0.9)
		t.mix(pluck(r, midi(m+7), d, 0.997, 0.9), 0, 0.8)
		t.mix(pluck(r, midi(m+12), d, 0.997, 0.9), 0, 0.5)
		t.clip(8).filter(lowpass, 2800, 0.8).shape(adsr(0.002, 0, 1, 0.03, d))
		b.mix(t, at, g)
	}
	for i := 0; i < 8; i++ {
		power(float64(i)*beat/2, beat/2*0.8, 40, 0.25)
	}
	power(1.0, 0.7, 45, 0.35)
	power(1.5, 0.45, 43, 0.35)
	power(2.0, 1.3, 40, 0.4)
	for i := 0; i < 9; i++ {
		at := float64(i) * beat * 2 / 2
		if i%2 == 0 {
			kick(b, at, 0.8)
		} else {
			gatedSnare(r, b, at, 0.4)
		}
	}
	cymbal(r, b, 2.0, 1.2, 0.15)
	b.note(2.1, 1.1, saw, vibrato(glide(midi(74), midi(76), 0.15), 6, 0.2, 0.3), adsr(0.01, 0.1, 0.8, 0.3, 1.1), 0.08)
	return b.reverb(0.15, 0.6, 0.4)
}

func makeitso(r *rng) buf {
	b := newBuf(3.0)
	hum := noise(r, 3.0, adsr(0.3, 0, 1, 0.5, 3.0)).filter(lowpass, 250, 0.7)
	b.mix(hum, 0, 0.5)
	b.note(0, 3.0, sine, constant(55), adsr(0.3, 0, 1, 0.5, 3.0), 0.2)
	b.note(0.15, 0.08, sine, glide(1300, 1700, 0.08), adsr(0.005, 0, 1, 0.02, 0.08), 0.25)
	b.note(0.26, 0.12, sine, glide(1500, 2100, 0.12), adsr(0.005, 0, 1, 0.02, 0.12), 0.25)
	whoosh(r, b, 0.8, 1.6, 150, 4000, 1.2)
	b.note(0.8, 1.6, sine, glide(110, 880, 1.4), adsr(0.6, 0, 1, 0.4, 1.6), 0.15)
	b.note(0.8, 1.6, tri, glide(165, 1320, 1.4), adsr(0.6, 0, 1, 0.4, 1.6), 0.08)
	kick(b, 2.35, 0.6)
	return b.reverb(0.3, 0.8, 0.5)
}

func noooo(r *rng) buf {
	b := newBuf(3.3)
	d := 2.6
	p := vibrato(glide(250, 140, d), 5, 0.45, 0.6)
	v := voice(r, d, p, vowelTrack([]float64{0, 0.1, 1.2, 2.2}, "mouu"), adsr(0.08, 0.3, 0.9, 0.9, d), 0.05)
	b.mix(v, 0.05, 1)
	chord([]float64{38, 45, 50, 53}, func(f float64) {
		t := tone(saw, d, constant(f), adsr(0.6, 0.3, 0.8, 0.8, d))
		t.filter(lowpass, 400, 1)
		b.mix(t, 0.05, 0.08)
	})
	return b.reverb(0.45, 0.85, 0.4)
}

func nyan(r *rng) buf {
	b := newBuf(3.2)
	s := 0.1
	notes := []float64{72, 76, 79, 84, 81, 79, 76, 79, 74, 77, 81, 86, 84, 81, 77, 74, 72, 76, 79, 84, 88, 86, 84, 79}
	for i, m := range notes {
		chip(b, float64(i)*s, s*0.85, midi(m), 0.22, pulse25)
	}
	end := float64(len(notes)) * s
	chip(b, end, 0.5, midi(84), 0.22, pulse25)
	bass := []float64{48, 53, 55, 48}
	for i := 0; i < 13; i++ {
		m := bass[min(i/3, 3)]
		if i%2 == 1 {
			m += 12
		}
		chip(b, float64(i)*2*s, 2*s*0.8, midi(m), 0.2, pulse12)
		b.mix(noise(r, 0.05, perc(0.001, 0.012)).filter(highpass, 5000, 0.7), float64(i)*2*s+s, 0.3)
	}
	return b
}

func ohmy(r *rng) buf {
	b := newBuf(2.1)
	theremin := func(at, d float64, f fn, g float64) {
		vf := vibrato(f, 6, 0.4, 0.05)
		env := adsr(0.05, 0.1, 0.85, 0.2, d)
		b.note(at, d, sine, vf, env, g)
		b.note(at, d, tri, func(t float64) float64 { return 2 * vf(t) }, env, g*0.12)
	}
	theremin(0, 0.35, glide(330, 420, 0.3), 0.4)
	my := func(t float64) float64 {
		if t < 0.25 {
			return 350 * math.Pow(1.8, t/0.25)
		}
		return 630 * math.Pow(0.45, math.Min(1, (t-0.25)/1.1))
	}
	theremin(0.42, 1.5, my, 0.45)
	return b.reverb(0.2, 0.6, 0.3)
}

func ohyeah(r *rng) buf {
	b := newBuf(1.9)
	kick(b, 0, 1.2)
	b.mix(noise(r, 0.5, perc(0.001, 0.12)).filter(lowpass, 2500, 0.7), 0, 1)
	for i := 0; i < 14; i++ {
		at := 0.05 + r.unit()*0.5
		n := noise(r, 0.03, perc(0.0005, 0.006)).filter(bandpass, r.between(1500, 4500), 2)
		b.mix(n, at, 0.6)
	}
	brass(b, 0.45, 0.25, constant(midi(55)), 0.4, 0.8)
	brass(b, 0.45, 0.25, constant(midi(62)), 0.3, 0.8)
	brass(b, 0.75, 0.9, glide(midi(60), midi(58), 0.9), 0.4, 1)
	brass(b, 0.75, 0.9, glide(midi(67), midi(65), 0.9), 0.3, 1)
	return b
}

func pushit(r *rng) buf {
	b := newBuf(3.0)
	s := 0.13 // sixteenth
	for i := 0; i < 20; i++ {
		at := float64(i) * s
		switch i % 8 {
		case 0, 3:
			kick(b, at, 0.9)
		case 4:
			clap(r, b, at, 0.5)
		}
		if i%2 == 0 {
			hat(r, b, at, 0.2, false)
		}
	}
	riff := []nt{{57, s}, {0, s}, {57, s}, {60, s}, {0, s}, {62, 2 * s}, {0, s},
		{57, s}, {0, s}, {57, s}, {64, s}, {0, s}, {62, 2 * s}, {0, s}, {57, 3 * s}}
	play(0, riff, func(at, d, f float64) {
		t := tone(square, d, constant(f), adsr(0.003, 0.06, 0.5, 0.02, d))
		t.mix(tone(saw, d, constant(f/2), adsr(0.003, 0.06, 0.5, 0.02, d)), 0, 1)
		t.sweep(lowpass, glide(4000, 600, 0.1), 3)
		b.mix(t, at, 0.25)
	})
	whoosh(r, b, 2.0, 0.9, 8000, 1500, 0.5)
	kick(b, 2.6, 0.9)
	clap(r, b, 2.6, 0.5)
	return b
}

func rimshot(r *rng) buf {
	b := newBuf(1.6)
	snare(r, b, 0, 0.7)
	tom(b, 0.17, 110, 0.8)
	kick(b, 0.45, 0.8)
	cymbal(r, b, 0.45, 1.1, 0.7)
	return b.reverb(0.15, 0.5, 0.4)
}

func rollout(r *rng) buf {
	b := newBuf(2.6)
	t := 0.0
	for i := 0; i < 16; i++ {
		c := noise(r, 0.03, perc(0.0005, 0.005)).filter(bandpass, r.between(2000, 5000), 3)
		b.mix(c, t, 0.9)
		chime(b, t, r.between(900, 2200), 0.12, 0.06)
		t += 0.09 - 0.004*float64(i)
	}
	servo := tone(saw, 1.2, func(x float64) float64 {
		return 400 * math.Pow(3, math.Sin(math.Pi*x/1.2))
	}, adsr(0.1, 0, 1, 0.2, 1.2))
	servo.filter(bandpass, 1200, 1.5)
	b.mix(servo, 0.05, 0.25)
	b.note(1.0, 1.5, saw, glide(40, 70, 1.0), adsr(0.2, 0, 1, 0.3, 1.5), 0.25)
	air := func(f float64) {
		x := tone(saw, 1.2, glide(f*0.97, f, 0.1), adsr(0.03, 0.05, 0.9, 0.15, 1.2))
		x.filter(lowpass, 1800, 1).clip(1.5)
		b.mix(x, 1.25, 0.25)
	}
	air(220)
	air(277.2)
	air(330)
	return b
}

func rumble(r *rng) buf {
	b := newBuf(3.3)
	for i := 0; i < 3; i++ {
		bell(b, 0.22*float64(i), 880, 1.2, 0.25)
	}
	crowd := newBuf(2.8)
	for k := 0; k < 5; k++ {
		rate, phase := r.between(1.5, 4), r.unit()
		layer := noise(r, 2.8, func(t float64) float64 {
			return 0.6 + 0.4*math.Sin(2*math.Pi*(rate*t+phase))
		}).filter(bandpass, r.between(500, 1800), 0.8)
		crowd.mix(layer, 0, 1)
	}
	crowd.shape(adsr(1.2, 0, 1, 0.6, 2.8))
	b.mix(crowd, 0.5, 0.5)
	for t := 1.0; t < 3.0; t += 0.05 {
		timpani(b, t, 55, 0.06+0.12*(t-1)/2)
	}
	return b
}

func sax(r *rng) buf {
	b := newBuf(3.4)
	mel := []nt{{67, 0.15}, {70, 0.15}, {72, 0.3}, {75, 0.15}, {74, 0.15}, {72, 0.15}, {70, 0.15}}
	end := play(0, mel, func(at, d, f float64) {
		saxNote(r, b, at, d*1.05, glide(f*0.97, f, 0.05), 0.35)
	})
	saxNote(r, b, end, 1.6, vibrato(glide(midi(71), midi(72), 0.2), 5, 0.3, 0.3), 0.35)
	chord([]float64{48, 55, 58, 63}, func(f float64) { epiano(b, 0, f, 2.9, 0.08) })
	return b.reverb(0.3, 0.7, 0.4)
}

func secret(r *rng) buf {
	b := newBuf(1.8)
	for i, m := range []float64{79, 83, 86, 91, 95, 98} {
		chip(b, 0.07*float64(i), 0.09, midi(m), 0.22, square)
	}
	chime(b, 0.45, midi(103), 1.0, 0.3)
	chime(b, 0.5, midi(98), 1.0, 0.25)
	return b.echo(0.11, 0.35)
}

func sexyback(r *rng) buf {
	b := newBuf(3.0)
	s := 0.135
	for i := 0; i < 20; i++ {
		at := float64(i) * s
		switch i % 16 {
		case 0, 6, 10:
			kick(b, at, 0.9)
		case 4, 12:
			snare(r, b, at, 0.5)
		}
		g := 0.1
		if i%2 == 0 {
			g = 0.18
		}
		hat(r, b, at, g, i%8 == 6)
	}
	bass := []nt{{40, s}, {0, s}, {40, s}, {43, s}, {0, s}, {45, s}, {0, s}, {43, s},
		{40, 2 * s}, {0, s}, {38, s}, {40, s}, {0, s}, {43, s}, {45, s}, {40, 3 * s}}
	play(0, bass, func(at, d, f float64) {
		t := tone(saw, d, constant(f), adsr(0.005, 0.05, 0.7, 0.02, d))
		t.sweep(lowpass, func(x float64) float64 { return 200 + 1500*math.Exp(-x/0.05) }, 4)
		b.mix(t, at, 0.5)
	})
	for _, at := range []float64{2 * s, 6 * s, 10 * s, 14 * s} {
		chord([]float64{64, 67, 71}, func(f float64) {
			t := tone(pulse25, 0.08, constant(f), perc(0.002, 0.04))
			t.filter(bandpass, 1500, 1.5)
			b.mix(t, at, 0.25)
		})
	}
	return b
}

func story(r *rng) buf {
	b := newBuf(3.0)
	scale := []float64{60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79, 81, 83, 84}
	for i, m := range scale {
		b.mix(pluck(r, midi(m), 1.2, 0.997, 0.7), 0.05*float64(i), 0.3)
	}
	for i, m := range []float64{60, 64, 67, 72} {
		b.mix(pluck(r, midi(m), 1.6, 0.998, 0.6), 0.95+0.02*float64(i), 0.3)
	}
	chime(b, 1.0, midi(91), 1.6, 0.2)
	chime(b, 1.25, midi(96), 1.4, 0.15)
	return b.reverb(0.3, 0.7, 0.4)
}

func tada(r *rng) buf {
	b := newBuf(2.0)
	for i, m := range []float64{60, 64, 67, 72} {
		at := 0.07 * float64(i)
		brass(b, at, 0.12, constant(midi(m)), 0.3, 1)
	}
	chord([]float64{60, 64, 67, 72, 76}, func(f float64) {
		brass(b, 0.3, 1.4, vibrato(constant(f), 5.5, 0.08, 0.3), 0.2, 1)
	})
	cymbal(r, b, 0.3, 1.3, 0.12)
	kick(b, 0.3, 0.6)
	for i := 0; i < 8; i++ {
		chime(b, 0.32+0.06*float64(i), r.between(2000, 4000), 0.4, 0.04)
	}
	return b.reverb(0.2, 0.6, 0.4)
}

func tmyk(r *rng) buf {
	b := newBuf(3.2)
	for i := 0; i < 18; i++ {
		f := 3800 * math.Pow(900.0/3800, float64(i)/17)
		chime(b, 0.05*float64(i), f, 0.6, 0.12)
	}
	whoosh(r, b, 0, 1.0, 7000, 1200, 0.3)
	chord([]float64{60, 64, 67, 72}, func(f float64) { epiano(b, 1.0, f, 2.1, 0.12) })
	chime(b, 1.05, midi(88), 2.0, 0.22)
	chime(b, 1.3, midi(91), 1.8, 0.18)
	return b.reverb(0.35, 0.8, 0.3)
}

func totes(r *rng) buf {
	b := newBuf(1.1)
	for i := 0; i < 2; i++ {
		at := 0.15 * float64(i)
		b.note(at, 0.12, sine, glide(400+150*float64(i), 950+200*float64(i), 0.08), perc(0.003, 0.04), 0.6)
	}
	chime(b, 0.35, midi(96), 0.7, 0.25)
	chime(b, 0.4, midi(100), 0.6, 0.2)
	return b
}

func trololo(r *rng) buf {
	b := newBuf(3.7)
	q := 0.2
	mel := []nt{{67, q}, {72, q}, {72, q}, {71, q}, {72, q}, {74, q}, {76, 2 * q}, {74, q}, {72, q}, {71, q}, {69, q}, {67, 3 * q}}
	var times, pitch []float64
	var vt []float64
	vs := ""
	t := 0.0
	for _, n := range mel {
		times = append(times, t)
		pitch = append(pitch, midi(n.m-12))
		vt = append(vt, t, t+0.05)
		vs += "lo"
		t += n.d
	}
	v := voice(r, t, steps(times, pitch, 0.04), vowelTrack(vt, vs), adsr(0.03, 0.1, 0.9, 0.2, t), 0.03)
	b.mix(v, 0.05, 1)
	for i := 0; i < int(t/q); i++ {
		at := 0.05 + float64(i)*q
		if i%2 == 0 {
			root := []float64{48, 43, 48, 41, 43, 48, 48, 48}[min(i/2, 7)]
			piano(b, at, midi(root), q, 0.25)
		} else {
			chord([]float64{64, 67, 72}, func(f float64) { piano(b, at, f, q*0.8, 0.05) })
		}
	}
	return b.reverb(0.15, 0.6, 0.4)
}

func trombone(r *rng) buf {
	b := newBuf(3.0)
	notes := []nt{{55, 0.36}, {54, 0.36}, {53, 0.36}, {52, 1.5}}
	play(0.02, notes, func(at, d, f float64) {
		ff := constant(f)
		if d > 1 {
			ff = vibrato(ff, 5, 0.5, 0.3)
		}
		env := adsr(0.04, 0.1, 0.85, 0.08, d)
		t := tone(saw, d, ff, env)
		t.mix(tone(saw, d, func(x float64) float64 { return ff(x) * 1.004 }, env), 0, 1)
		wah := func(x float64) float64 { // the mute opens and closes: "wah"
			if d > 1 && x > 0.3 {
				return 250 + 1300*math.Exp(-(x-0.3)/0.7)
			}
			return 250 + 1300*math.Sin(math.Pi*math.Min(1, x/0.36))
		}
		t.sweep(lowpass, wah, 2.5)
		b.mix(t, at, 0.4)
	})
	return b.reverb(0.15, 0.6, 0.4)
}

func unix(r *rng) buf {
	b := newBuf(2.6)
	set := []float64{84, 86, 88, 91, 93, 96}
	t := 0.0
	for t < 1.8 {
		d := r.between(0.04, 0.09)
		chip(b, t, d, midi(set[r.pick(len(set))]), 0.12, pulse25)
		if r.unit() < 0.4 {
			b.mix(noise(r, 0.015, perc(0.0005, 0.003)).filter(bandpass, 2500, 1), t, 0.4)
		}
		t += d + r.between(0.01, 0.05)
	}
	b.note(0, 1.9, sine, constant(120), adsr(0.1, 0, 1, 0.2, 1.9), 0.05)
	chip(b, 1.95, 0.12, midi(84), 0.25, square)
	chip(b, 2.1, 0.35, midi(91), 0.25, square)
	return b
}

func vuvuzela(r *rng) buf {
	b := newBuf(2.6)
	horn := func(at, d, f, g float64) {
		drift := r.between(2, 4)
		ff := func(t float64) float64 { return f * (1 + 0.006*math.Sin(2*math.Pi*drift*t)) }
		env := mul(adsr(0.08, 0.1, 0.9, 0.15, d), tremolo(r.between(5, 8), 0.15))
		t := tone(saw, d, ff, env)
		t.mix(tone(square, d, ff, env), 0, 0.7)
		t.clip(3)
		res := t.clone().filter(bandpass, 700, 2)
		res2 := t.clone().filter(bandpass, 1400, 2)
		t.filter(lowpass, 3500, 0.7)
		t.mix(res, 0, 1.5)
		t.mix(res2, 0, 1)
		b.mix(t, at, g)
	}
	horn(0, 2.5, 233.08, 0.35)
	horn(0.3, 2.2, 235.5, 0.25)
	horn(0.6, 1.9, 231.2, 0.2)
	return b
}

func what(r *rng) buf {
	b := newBuf(1.2)
	scratch := noise(r, 0.18, adsr(0.01, 0, 1, 0.05, 0.18))
	scratch.sweep(bandpass, func(t float64) float64 { return 600 + 2500*math.Abs(math.Sin(2*math.Pi*5.5*t)) }, 4)
	b.mix(scratch, 0, 0.9)
	d1 := 0.2
	v1 := voice(r, d1, constant(175), vowelTrack([]float64{0, 0.06}, "ua"), adsr(0.02, 0.03, 0.9, 0.04, d1), 0.05)
	b.mix(v1, 0.25, 1)
	d2 := 0.5
	v2 := voice(r, d2, glide(165, 330, 0.4), vowelTrack([]float64{0}, "a"), adsr(0.02, 0.05, 0.9, 0.12, d2), 0.05)
	b.mix(v2, 0.5, 1)
	return b
}

func whoomp(r *rng) buf {
	b := newBuf(1.9)
	whoosh(r, b, 0, 0.4, 300, 3000, 0.6)
	at := 0.38
	b.note(at, 1.3, sine, glide(150, 35, 0.6), perc(0.005, 0.45), 0.9)
	w := tone(saw, 1.0, constant(55), perc(0.01, 0.3))
	w.sweep(lowpass, glide(2500, 80, 0.5), 3)
	b.mix(w, at, 0.4)
	kick(b, at, 0.6)
	return b
}

func wups(r *rng) buf {
	b := newBuf(1.3)
	slideWhistle(r, b, 0, 0.38, glide(1500, 400, 0.38), 0.35)
	at := 0.45
	kick(b, at, 0.5)
	for i := 0; i < 6; i++ {
		chime(b, at+0.02+0.07*float64(i)+0.03*r.unit(), r.between(1500, 3500), 0.25, 0.12-0.015*float64(i))
	}
	return b
}

func yay(r *rng) buf {
	b := newBuf(2.3)
	// Party blower.
	pb := tone(saw, 0.55, glide(560, 640, 0.3), adsr(0.03, 0.05, 0.9, 0.08, 0.55))
	pb.filter(bandpass, 1400, 1.5).clip(3)
	b.mix(pb, 0, 0.3)
	// A little synthetic crowd going "yaaay".
	for k := 0; k < 5; k++ {
		p := r.between(260, 420)
		d := r.between(1.0, 1.4)
		v := voice(r, d, glide(p*0.9, p*1.15, d*0.5), vowelTrack([]float64{0, 0.12, 0.8}, "yae"), adsr(0.05, 0.2, 0.8, 0.4, d), 0.04)
		b.mix(v, 0.35+r.unit()*0.12, 0.5)
	}
	cheer := noise(r, 1.8, adsr(0.2, 0.3, 0.6, 0.8, 1.8)).filter(bandpass, 1500, 0.6)
	b.mix(cheer, 0.4, 0.06)
	for i := 0; i < 6; i++ {
		b.mix(noise(r, 0.03, perc(0.0005, 0.005)).filter(highpass, 2000, 0.7), 0.4+r.unit()*1.2, 0.5)
	}
	return b
}

func yeah(r *rng) buf {
	b := newBuf(1.8)
	d := 0.55
	v := voice(r, d, glide(230, 185, d), vowelTrack([]float64{0, 0.1, 0.3}, "yea"), adsr(0.02, 0.1, 0.9, 0.15, d), 0.1)
	v.clip(3)
	b.mix(v, 0.02, 1)
	kick(b, 0.02, 0.6)
	cymbal(r, b, 0.02, 0.8, 0.2)
	return b.echo(0.17, 0.35)
}

func yodel(r *rng) buf {
	b := newBuf(3.6)
	type syl struct {
		m float64
		v byte
		d float64
	}
	seq := []syl{{57, 'o', 0.25}, {76, 'i', 0.2}, {69, 'o', 0.2}, {73, 'e', 0.2}, {76, 'i', 0.35},
		{64, 'o', 0.2}, {81, 'i', 0.2}, {76, 'e', 0.2}, {69, 'u', 0.7}}
	var times, pitch, vt []float64
	vs := ""
	t := 0.0
	for _, s := range seq {
		times = append(times, t)
		pitch = append(pitch, midi(s.m-12))
		vt = append(vt, t+0.03)
		vs += string(s.v)
		t += s.d
	}
	v := voice(r, t, steps(times, pitch, 0.025), vowelTrack(vt, vs), adsr(0.03, 0.1, 0.9, 0.25, t), 0.03)
	b.mix(v, 0.05, 1)
	for i := 0; i < int(t/0.2); i++ {
		at := 0.05 + float64(i)*0.2
		notes := []float64{45}
		if i%2 == 1 {
			notes = []float64{61, 64, 69}
		}
		chord(notes, func(f float64) {
			d := 0.16
			x := tone(saw, d, constant(f), adsr(0.01, 0.05, 0.7, 0.04, d))
			x.mix(tone(saw, d, constant(f*1.006), adsr(0.01, 0.05, 0.7, 0.04, d)), 0, 1)
			x.filter(lowpass, 1500, 0.8)
			b.mix(x, at, 0.07)
		})
	}
	return b.reverb(0.3, 0.85, 0.3)
}
