"""A stand-in RFC 3161 time stamp server for the signing test: each POSTed
query is answered by `openssl ts -reply` (CONFIG names the TSA certificate
and key, made at test time).

usage: tsa_standin.py CONFIG PORT_FILE   (serves on 127.0.0.1 until killed;
writes the port it listens on to PORT_FILE)"""

import http.server
import os
import subprocess
import sys
import tempfile


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with tempfile.TemporaryDirectory() as d:
            q, r = os.path.join(d, "q.tsq"), os.path.join(d, "r.tsr")
            with open(q, "wb") as f:
                f.write(query)
            done = subprocess.run(["openssl", "ts", "-reply", "-config", CONFIG, "-queryfile", q,
                                   "-out", r], capture_output=True, check=False)
            body = open(r, "rb").read() if done.returncode == 0 else b""
        self.send_response(200 if body else 500)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


CONFIG = sys.argv[1]
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
