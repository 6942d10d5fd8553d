package lib

// Version is served by the app that replaces this module with the local copy.
func Version() string { return "lib corpus v1" }
