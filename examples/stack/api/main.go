// The API of the stack example: standard library only. It starts after the users service
// is healthy and the migration completed (see ../.hotreload.yaml).
//
//	API_PORT    port to listen on (default 4000)
//	USERS_PORT  port of the users service (default 4001)
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

func main() {
	port := envOr("API_PORT", "4000")
	users := "http://127.0.0.1:" + envOr("USERS_PORT", "4001")
	listener, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "listen: %v\n", err)
		os.Exit(1)
	}
	server := &http.Server{Handler: newHandler(users), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("api %s listening on http://%s (pid %d)\n", version, listener.Addr(), os.Getpid())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(ctx)
	}()
	if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
		os.Exit(1)
	}
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
