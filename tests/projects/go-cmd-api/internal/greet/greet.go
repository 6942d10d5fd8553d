package greet

// Message is what the API answers on /.
func Message(name string) string {
	return "hello " + name + ", corpus v1"
}
