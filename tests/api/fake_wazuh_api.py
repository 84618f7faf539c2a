"""A stand-in for the Wazuh server API (4.x) for the tests: HTTPS with a
certificate the tests make, POST /security/user/authenticate (basic auth,
?raw=true gives the bare JWT), POST /events with a Bearer token, at most 100
events a request, a per-minute request limit on /events (429 beyond), and
switches for failures (403, 503, slow answers, dropped connections, a
batch only partly forwarded, no /events at all as in 5.x); the security
endpoints (fake_rbac.py: users, roles, policies and their links, Wazuh's
stock ones among them, refusals in failed_items of a 200 answer as the
API gives them; the state after each request in RECORD.rbac) and
DELETE /security/user/authenticate, which revokes every token issued to
the user who sends it, as the API's logout does. With --fleet,
the endpoints a sweep uses over that fleet (fleet_api.py), and with
--api-rate the API's limit on all requests (Wazuh's counter: one window
from the first request, every request counted, 429 with error 6001 beyond).
Every request is recorded to a JSONL file with the Authorization value
masked; each PUT /active-response also records what each agent received.

The mode file holds one switch a line: drop, slow, 503, 403, partial,
no-events, no-sca (no /sca nor /active-response, as in 5.x), 429xN / 503xN
(the next N requests answer so), put-delay=S (PUT
/active-response answers after S seconds, once it has dispatched),
delay=S (every answer waits S seconds first), fail=PATH (requests to
PATH answer 500), refuse=METHOD PATH CODE (a security request answers 200
with CODE in failed_items, changing nothing). Hostile answers, to the login (huge-login=N) or to
every other request: huge=N (N bytes of "[0,0,...", Content-Length
given), huge-chunked=N (the same without a length, chunked), deep=N
([[[... N deep), each with "@TEXT" after N only for paths holding TEXT;
with --fleet also repeat-pages (GET /agents claims a billion agents and
serves the first page whatever the offset) and endless-agents=TOTAL
(every page brings 500 agents never listed before; the first page says
TOTAL, the others a billion: a listing that grows as it is paged).

usage: fake_wazuh_api.py --cert C --key K --port-file F --record R
                         [--user U --password P] [--token-ttl S]
                         [--rate N --window S] [--mode MODE_FILE]
                         [--fleet FLEET.json] [--api-rate N] [--plain]"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fake_rbac import Rbac
from fleet_api import Fleet

SECRET = os.urandom(32)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(user, ttl):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    now = int(time.time())
    payload = b64url(json.dumps({"iss": "wazuh", "sub": user, "nbf": now, "exp": now + ttl,
                                 "run_as": False, "rbac_roles": [1],
                                 # each login its own token, as a revoked
                                 # one stays revoked
                                 "jti": b64url(os.urandom(9))}).encode())
    sig = hmac.new(SECRET, ("%s.%s" % (header, payload)).encode(), hashlib.sha256).digest()
    return "%s.%s.%s" % (header, payload, b64url(sig))


REVOKED = set()


def token_digest(token):
    """What the record keeps of a Bearer token: enough to tell tokens apart,
    nothing to use."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def jwt_valid(token):
    if token in REVOKED:
        return False
    try:
        header, payload, sig = token.split(".")
        want = hmac.new(SECRET, ("%s.%s" % (header, payload)).encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(b64url(want), sig):
            return False
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return claims["exp"] > time.time()
    except (ValueError, KeyError):
        return False


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.events_times = []
        self.issued = []
        self.api_window_start = None
        self.api_count = 0
        self.used = {}  # mode line -> how many requests it has answered
        self.rbac = Rbac()  # users, roles, policies; their state in RECORD.rbac
        self.fleet = None
        if args.fleet:
            with open(args.fleet, encoding="utf-8") as f:
                self.fleet = Fleet(json.load(f))

    def mode(self):
        try:
            with open(self.args.mode, encoding="utf-8") as f:
                return f.read().strip()
        except (OSError, TypeError):
            return ""

    def forced(self):
        """The status a "429xN" or "503xN" line still forces, or None."""
        with self.lock:
            for line in self.mode().splitlines():
                code, x, n = line.partition("x")
                if x and code in ("429", "503") and n.isdigit() and \
                        self.used.get(line, 0) < int(n):
                    self.used[line] = self.used.get(line, 0) + 1
                    return int(code)
        return None

    def api_rate_ok(self):
        """Wazuh's general limit (api/api/middlewares.py): a window opened by
        the first request, reset once a minute has passed, every request
        counted, refused beyond max."""
        if not self.args.api_rate:
            return True
        with self.lock:
            now = time.monotonic()
            if self.api_window_start is None or now - self.api_window_start > self.args.window:
                self.api_window_start, self.api_count = now, 0
            self.api_count += 1
            return self.api_count <= self.args.api_rate

    def record(self, entry):
        with self.lock, open(self.args.record, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def rate_ok(self):
        with self.lock:
            now = time.monotonic()
            self.events_times = [t for t in self.events_times if now - t < self.args.window]
            if len(self.events_times) >= self.args.rate:
                return False
            self.events_times.append(now)
            return True


def handler_for(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes

        def log_message(self, fmt, *args):  # keep test output quiet
            pass

        def reply(self, code, obj=None, text=None):
            state.record({"answered": code, "method": self.command, "to": self.path,
                          "time": time.time()})
            body = text.encode() if text is not None else json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type",
                             "text/plain" if text is not None else "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def error(self, code, title, detail):
            self.reply(code, {"title": title, "detail": detail, "error": code})

        def do_POST(self):
            self.handle_any("POST")

        def do_GET(self):
            self.handle_any("GET")

        def do_PUT(self):
            self.handle_any("PUT")

        def do_DELETE(self):
            self.handle_any("DELETE")

        def handle_any(self, method):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items()}
            bearer = None
            if "Authorization" in headers:
                scheme, _, value = headers["Authorization"].partition(" ")
                headers["Authorization"] = scheme + " <masked>"
                if scheme == "Bearer":
                    bearer = token_digest(value)
            mode = state.mode()
            head_len = len(self.requestline) + sum(len(k) + len(v) + 4
                                                   for k, v in self.headers.items())
            state.record({"method": method, "path": self.path, "headers": headers,
                          "bearer": bearer,
                          "body": body.decode("utf-8", "replace"), "mode": mode,
                          "head_bytes": head_len, "time": time.time()})
            if mode == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if mode == "slow":
                time.sleep(30)
            for line in mode.splitlines():
                if line.startswith("delay="):
                    time.sleep(float(line.split("=", 1)[1]))
            if mode == "503":
                return self.error(503, "Service Unavailable", "down for the test")
            if not state.api_rate_ok():
                return self.reply(429, {"title": "Too Many Requests", "error": 6001,
                                        "detail": "Maximum number of requests per minute "
                                                  "reached"})
            forced = state.forced()
            if forced:
                return self.error(forced, "Forced", "forced by the test")
            if head_len > 16 * 1024:
                return self.error(431, "Request Header Fields Too Large", "over 16 KiB")
            path = self.path.split("?", 1)[0]
            if "fail=" + path in mode.splitlines():
                return self.error(500, "Internal Server Error", "failed for the test")
            login = method == "POST" and path == "/security/user/authenticate"
            if self.hostile(mode, login):
                return None
            if login:
                return self.authenticate()
            if path.startswith("/security/"):
                return self.security(method, path, body)
            if method == "POST" and path == "/events" and "no-events" not in mode:
                return self.events(body, mode)
            if "no-sca" in mode and (path.startswith("/sca") or path == "/active-response"):
                return self.error(404, "Not Found", "no such endpoint (5.x)")
            if state.fleet is not None and method in ("GET", "PUT"):
                return self.fleet(method, body, mode)
            return self.error(404, "Not Found", "no such endpoint")

        def hostile(self, mode, login):
            """Answers the way a hostile server would, when the mode says so
            for this request: True when it did."""
            for line in mode.splitlines():
                kind, _, arg = line.partition("=")
                n, _, where = arg.partition("@")
                if not n.isdigit() or (kind == "huge-login") != login or where not in self.path:
                    continue
                if kind in ("huge", "huge-login"):
                    self.send_huge(int(n), chunked=False)
                    return True
                if kind == "huge-chunked":
                    self.send_huge(int(n), chunked=True)
                    return True
                if kind == "deep":
                    self.send_body(b"[" * int(n) + b"]" * int(n))
                    return True
            return False

        def send_body(self, body):
            state.record({"answered": 200, "method": self.command, "to": self.path,
                          "bytes": len(body), "time": time.time()})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def send_huge(self, size, chunked):
            """About size bytes of "[0,0,...,0]", written 1 MiB at a time; how
            much went out before the client hung up is recorded."""
            pairs = max(0, (size - 3) // 2)
            parts = [b"["] + [b"0," * min(512 * 1024, pairs - i)
                              for i in range(0, pairs, 512 * 1024)] + [b"0]"]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(2 * pairs + 3))
            self.end_headers()
            sent = 0
            try:
                for part in parts:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
                    sent += len(part)
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
            except OSError:
                self.close_connection = True
            state.record({"answered": 200, "method": self.command, "to": self.path,
                          "huge": 2 * pairs + 3, "sent": sent, "time": time.time()})

        def fleet(self, method, body, mode):
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or not jwt_valid(auth[7:]):
                return self.error(401, "Unauthorized", "Invalid token")
            status, answer, dispatch = state.fleet.handle(method, self.path,
                                                          body.decode("utf-8", "replace"),
                                                          mode.splitlines())
            if dispatch is not None:
                state.record({"dispatch": dispatch, "time": time.time()})
                for line in mode.splitlines():
                    if line.startswith("put-delay="):
                        time.sleep(float(line.split("=", 1)[1]))
            return self.reply(status, answer)

        def bearer_user(self):
            """The user of a valid Bearer token, or None."""
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or not jwt_valid(auth[7:]):
                return None
            payload = auth[7:].split(".")[1]
            payload += "=" * (-len(payload) % 4)
            return json.loads(base64.urlsafe_b64decode(payload))["sub"]

        def security(self, method, path, body):
            """The RBAC endpoints (fake_rbac.py: Wazuh's stock objects, its
            refusals in failed_items), and the logout."""
            user = self.bearer_user()
            if user is None:
                return self.error(401, "Unauthorized", "Invalid token")
            parts = path.split("/")[2:]  # after "/security"
            if method == "DELETE" and parts == ["user", "authenticate"]:
                with state.lock:
                    REVOKED.update(state.issued)
                state.record({"logout": user, "time": time.time()})
                return self.reply(200, {"message": "User %s was successfully logged out" % user,
                                        "error": 0})
            with state.lock:
                status, obj = state.rbac.handle(method, path, self.path.partition("?")[2],
                                                body, state.mode().splitlines())
                with open(state.args.record + ".rbac", "w", encoding="utf-8") as f:
                    json.dump(state.rbac.snapshot(), f)
            return self.reply(status, obj)

        def authenticate(self):
            auth = self.headers.get("Authorization", "")
            want = "Basic " + base64.b64encode(
                ("%s:%s" % (state.args.user, state.args.password)).encode()).decode()
            user = state.args.user if hmac.compare_digest(auth, want) else None
            # The users made through the security endpoints log in too.
            with state.lock:
                for u in state.rbac.users.values():
                    made = "Basic " + base64.b64encode(
                        ("%s:%s" % (u["username"], u["password"])).encode()).decode()
                    if user is None and u["username"] != state.args.user and \
                            hmac.compare_digest(auth, made):
                        user = u["username"]
            if user is None:
                return self.error(401, "Unauthorized", "Invalid credentials")
            token = make_jwt(user, state.args.token_ttl)
            with state.lock:
                state.issued.append(token)
                with open(state.args.record + ".tokens", "a", encoding="utf-8") as f:
                    f.write(token + "\n")
            if "raw=true" in self.path:
                return self.reply(200, text=token)
            return self.reply(200, {"data": {"token": token}, "error": 0})

        def events(self, body, mode):
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or not jwt_valid(auth[7:]):
                return self.error(401, "Unauthorized", "Invalid token")
            if mode == "403":
                return self.error(403, "Permission Denied", "event:ingest not allowed")
            if not state.rate_ok():
                return self.error(429, "Too Many Requests",
                                  "Maximum number of requests per minute reached")
            if len(body) > 30 * 1024 * 1024:
                return self.error(413, "Payload Too Large", "body too large")
            try:
                obj = json.loads(body)
                events = obj["events"]
                if set(obj) != {"events"} or not isinstance(events, list) or not events or \
                        not all(isinstance(e, str) for e in events):
                    raise ValueError("events must be a list of strings")
            except (ValueError, KeyError, TypeError) as e:
                return self.error(400, "Bad Request", str(e))
            if len(events) > 100:
                return self.error(400, "Bad Request", "at most 100 events")
            # As the API does (framework/wazuh/event.py): each event forwarded is
            # listed back in affected_items; "partial" fails every second one
            # the way a full analysisd queue would.
            taken = events[::2] if mode == "partial" else events
            failed = events[1::2] if mode == "partial" else []
            state.record({"accepted": taken, "time": time.time()})
            data = {"affected_items": taken, "total_affected_items": len(taken),
                    "total_failed_items": len(failed), "failed_items": []}
            if failed:
                data["failed_items"] = [{"error": {"code": 1014, "message":
                                                   "Error communicating with socket"},
                                         "id": failed}]
            self.reply(200, {"data": data, "message": "Some events were forwarded to analisysd"
                             if failed else "All events were forwarded to analisysd",
                             "error": 1 if failed else 0})

    return Handler


class QuietServer(ThreadingHTTPServer):
    """Clients that give up mid-handshake are part of the tests: no traceback."""

    def handle_error(self, request, client_address):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--record", required=True)
    ap.add_argument("--user", default="ar-reporter")
    ap.add_argument("--password", default="S3cret-Pa55word!")
    ap.add_argument("--token-ttl", type=int, default=900)
    ap.add_argument("--rate", type=int, default=30)
    ap.add_argument("--window", type=float, default=60.0)
    ap.add_argument("--mode")
    ap.add_argument("--fleet")
    ap.add_argument("--api-rate", type=int, default=0)
    ap.add_argument("--plain", action="store_true", help="plain http, no TLS")
    args = ap.parse_args()
    state = State(args)
    server = QuietServer(("127.0.0.1", 0), handler_for(state))
    if not args.plain:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
