import os
from http.server import BaseHTTPRequestHandler, HTTPServer

MESSAGE = "plain script corpus v1"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = MESSAGE.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


port = int(os.environ.get("PORT", "8000"))
print(f"serving on {port}")
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
