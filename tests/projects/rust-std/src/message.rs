pub fn text() -> &'static str {
    "hello from Rust, corpus v1"
}
