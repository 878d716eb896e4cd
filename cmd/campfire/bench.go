package main

// Switches for the benchmark harness (bench/, `make bench`). They are hidden: no flag, no help text,
// only environment variables that the harness sets for the servers it starts. Nothing here runs
// unless its variable is set.
//
//	CAMPFIRE_BASELINE=plain       run plain PocketBase (pocketbase.New() + the jsvm plugin) instead of
//	                              Campfire: the baseline of the benchmark's start row.
//	CAMPFIRE_PPROF=127.0.0.1:PORT serve net/http/pprof on that loopback address (profiles of a run).
//	CAMPFIRE_BENCH_PUSH_CA=FILE   web push may reach exactly 127.0.0.1 over HTTPS with the PEM
//	                              certificate in FILE: the harness's local push service, which the
//	                              acknowledged-write audit uses to count deliveries.

import (
	"crypto/tls"
	"crypto/x509"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/jsvm"

	"github.com/pocketcampfire/campfire/pushnotify"
)

// runBaseline runs plain PocketBase with jsvm when CAMPFIRE_BASELINE=plain and reports whether it did.
func runBaseline() bool {
	if os.Getenv("CAMPFIRE_BASELINE") != "plain" {
		return false
	}
	app := pocketbase.New()
	jsvm.MustRegister(app, jsvm.Config{})
	startPprof()
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
	return true
}

// benchSwitches applies CAMPFIRE_PPROF and CAMPFIRE_BENCH_PUSH_CA to a Campfire app.
func benchSwitches(app core.App) {
	startPprof()
	if file := os.Getenv("CAMPFIRE_BENCH_PUSH_CA"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			log.Fatalf("CAMPFIRE_BENCH_PUSH_CA: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			log.Fatalf("CAMPFIRE_BENCH_PUSH_CA: no certificate in %s", file)
		}
		loopback := netip.MustParseAddr("127.0.0.1")
		pushnotify.Configure(app, pushnotify.Options{
			AllowPrivate: func(a netip.Addr) bool { return a == loopback },
			TLSConfig:    &tls.Config{RootCAs: pool},
		})
	}
}

// startPprof serves the profiles on CAMPFIRE_PPROF, a loopback address only.
func startPprof() {
	addr := os.Getenv("CAMPFIRE_PPROF")
	if addr == "" {
		return
	}
	host, _, err := net.SplitHostPort(addr)
	if ip, perr := netip.ParseAddr(host); err != nil || perr != nil || !ip.IsLoopback() {
		log.Fatalf("CAMPFIRE_PPROF must be a loopback address with a port, got %q", addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("CAMPFIRE_PPROF: %v", err)
	}
	go func() { _ = http.Serve(ln, mux) }()
}
