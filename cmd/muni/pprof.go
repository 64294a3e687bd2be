//go:build pprof

package main

// Built with -tags pprof, muni serves net/http/pprof on MUNI_PPROF_LISTEN
// (default 127.0.0.1:6060) for profiling memory and CPU. The default
// binary carries none of it.

import (
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	addr := os.Getenv("MUNI_PPROF_LISTEN")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	go func() {
		slog.Info("pprof listening", "addr", addr)
		if err := http.ListenAndServe(addr, nil); err != nil {
			slog.Error("pprof", "err", err)
		}
	}()
}
