// A demo server for hotreload: standard library only.
//
//	PORT  port to listen on (default 8080; 0 picks a free one, printed when ready)
//	HOST  interface to bind (default 127.0.0.1)
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const shutdownTimeout = 5 * time.Second

func main() {
	started := time.Now()
	host := envOr("HOST", "127.0.0.1")
	port := envOr("PORT", "8080")

	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "listen: %v\n", err)
		os.Exit(1)
	}

	crash := func() {
		fmt.Fprintln(os.Stderr, "crash requested: exiting with status 1")
		os.Exit(1)
	}
	server := &http.Server{
		Handler:           logRequests(newHandler(started, crash)),
		ReadHeaderTimeout: 10 * time.Second,
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	fmt.Printf("listening on http://%s\n", listener.Addr())

	select {
	case err := <-served:
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
		os.Exit(1)
	case sig := <-stop:
		fmt.Printf("shutting down (%s)\n", sig)
	}

	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := server.Shutdown(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "shutdown: %v\n", err)
		os.Exit(1)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
	}
	fmt.Println("stopped")
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

// statusRecorder remembers the status code so the request log can show it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// logRequests prints one line per request to stdout, after the handler with its status
// and duration. /crash exits inside its handler, so its line is printed before instead.
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/crash" {
			fmt.Printf("%s %s\n", r.Method, r.URL.Path)
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		begin := time.Now()
		next.ServeHTTP(rec, r)
		if r.URL.Path != "/crash" {
			fmt.Printf("%s %s %d %s\n", r.Method, r.URL.Path, rec.status, time.Since(begin).Round(time.Microsecond))
		}
	})
}
