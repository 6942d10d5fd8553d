package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// version is what GET / reports; edit it to see hotreload rebuild the API alone.
const version = "v1"

type usersReply struct {
	Greeting string   `json:"greeting"`
	Users    []string `json:"users"`
}

func newHandler(usersURL string) http.Handler {
	client := &http.Client{Timeout: 2 * time.Second}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var users usersReply
		resp, err := client.Get(usersURL + "/users")
		if err != nil {
			http.Error(w, "users service: "+err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(&users); err != nil {
			http.Error(w, "users service: "+err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"api":      version,
			"greeting": users.Greeting,
			"shared":   sharedGreeting(),
			"users":    users.Users,
		})
	})
	return mux
}

// sharedGreeting reads ../shared/greeting.json, which both services watch.
func sharedGreeting() string {
	data, err := os.ReadFile(filepath.Join("..", "shared", "greeting.json"))
	if err != nil {
		return ""
	}
	var parsed struct {
		Greeting string `json:"greeting"`
	}
	_ = json.Unmarshal(data, &parsed)
	return parsed.Greeting
}
