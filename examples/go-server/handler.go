package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// The demo edits this line to show a reload: save, and / answers the new version.
const version = "1.0.0"

type health struct {
	Status   string `json:"status"`
	Version  string `json:"version"`
	UptimeMs int64  `json:"uptime_ms"`
	Pid      int    `json:"pid"`
}

const pageHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>go-server %s</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<h1 id="version">version %s</h1>
<p><label>Notes <input id="notes" autocomplete="off"></label></p>
<div class="spacer"></div>
<p id="bottom">bottom of the page</p>
</body>
</html>
`

// newHandler serves /, /page (an HTML page with /style.css, read from public/style.css at
// each request: a stylesheet the proxy's live reload swaps without a rebuild), /health,
// /crash, /slow and /events. crash is called after the
// /crash response has been flushed, so the client sees the answer before the process goes
// away. /slow?ms=N answers after N milliseconds (an in-flight request across a swap);
// /events is a server-sent event stream that names the version every 100 ms (a stream
// across a swap).
func newHandler(started time.Time, crash func()) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Server running - version %s\n", version)
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, pageHTML, version, version)
	})
	mux.HandleFunc("/style.css", func(w http.ResponseWriter, r *http.Request) {
		// From the working directory (the project root), not embedded: saves apply at once.
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFile(w, r, "public/style.css")
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(health{
			Status:   "ok",
			Version:  version,
			UptimeMs: time.Since(started).Milliseconds(),
			Pid:      os.Getpid(),
		})
	})
	mux.HandleFunc("/crash", func(w http.ResponseWriter, r *http.Request) {
		body := "crashing on purpose (exit status 1)\n"
		// A complete response (length known, connection closing) before the exit.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Connection", "close")
		_, _ = io.WriteString(w, body)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		crash()
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil || ms < 0 || ms > 60000 {
			ms = 1000
		}
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "slow answer after %d ms - version %s\n", ms, version)
	})
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		flusher, ok := w.(http.Flusher)
		if !ok {
			http.Error(w, "streaming unsupported", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		ticker := time.NewTicker(100 * time.Millisecond)
		defer ticker.Stop()
		for tick := 0; ; tick++ {
			fmt.Fprintf(w, "data: version %s tick %d\n\n", version, tick)
			flusher.Flush()
			select {
			case <-ticker.C:
			case <-r.Context().Done():
				return
			}
		}
	})
	return mux
}
