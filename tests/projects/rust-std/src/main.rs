// A std-only HTTP server (crates.io is not reachable in CI): answers every request on $PORT.
use std::io::{Read, Write};
use std::net::TcpListener;

mod message;

fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).expect("bind");
    println!("listening on {port}");
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut buffer = [0u8; 4096];
        let _ = stream.read(&mut buffer);
        let body = message::text();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            body.len(),
            body
        );
        let _ = stream.write_all(response.as_bytes());
    }
}
