package main

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"example.com/lib"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "app: "+lib.Version())
	})
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
