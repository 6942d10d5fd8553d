package greet

import "testing"

func TestMessage(t *testing.T) {
	if Message("x") == "" {
		t.Fatal("empty message")
	}
}
