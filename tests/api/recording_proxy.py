"""A proxy on a loopback port for the tests, recording every connection it
gets: its first line ("CONNECT host:port HTTP/1.1" for a tunnel), then, for
a CONNECT, a real tunnel to the target so that the request goes through.
Used to prove that no proxy from the environment is followed, and that
the configured one is."""

import socket
import threading


class RecordingProxy:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.lines = []  # the first line of each connection, b"" when none came
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        conn.settimeout(10)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                head += chunk
        except OSError:
            pass
        line = head.split(b"\r\n", 1)[0]
        with self.lock:
            self.lines.append(line)
        parts = line.split()
        if len(parts) == 3 and parts[0] == b"CONNECT":
            host, _, port = parts[1].decode().rpartition(":")
            try:
                upstream = socket.create_connection((host, int(port)), timeout=10)
            except OSError:
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
                conn.close()
                return
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            rest = head.split(b"\r\n\r\n", 1)[1]
            if rest:
                upstream.sendall(rest)
            self.pipe(conn, upstream)
        else:
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            conn.close()

    @staticmethod
    def pipe(a, b):
        def one_way(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=one_way, args=(a, b), daemon=True).start()
        threading.Thread(target=one_way, args=(b, a), daemon=True).start()

    def seen(self):
        with self.lock:
            return list(self.lines)

    def env(self):
        """Every variable through which libcurl would take a proxy."""
        return {name: self.url for name in ("https_proxy", "HTTPS_PROXY", "http_proxy",
                                            "ALL_PROXY", "all_proxy")}

    def close(self):
        self.sock.close()
