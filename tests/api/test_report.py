"""Reporting to the Wazuh server API, end to end: the built program against a
real HTTPS server process (fake_wazuh_api.py) with a CA made here by openssl.
Asserts what the server received, what is left in the spool, the exit
status, and that no secret is written anywhere."""

import fcntl
import glob
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from arprog import Workdir, message, read_log, skip_without  # noqa: E402
from recording_proxy import RecordingProxy  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "S3cret-Pa55word!"
USER = "ar-reporter"
MEMORY_CAP = 64 * 1024 * 1024  # what any answer may cost a run, at its peak


def digest(token):
    """As the stand-in records a Bearer token (fake_wazuh_api.token_digest)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def run_measured(args, stdin=b"", env=None, timeout=120):
    """Runs args to the end under GNU time: (status, stdout, stderr, peak
    resident bytes, seconds). time forks the program from its own small
    process: the kernel's peak (ru_maxrss) is then the program's alone, not
    this test's, which a child started straight from Python inherits."""
    with tempfile.NamedTemporaryFile(prefix="ar-rss-") as rss:
        start = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, *args],
                           input=stdin, capture_output=True, env=env, timeout=timeout,
                           check=False)
        took = time.monotonic() - start
        peak = int(rss.read().split()[-1]) * 1024
    return p.returncode, p.stdout, p.stderr, peak, took


def openssl(*args, cwd):
    p = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, check=False)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed (status %d): %s" % (
            " ".join(args), p.returncode, p.stderr.decode("utf-8", "replace").strip()))


def make_pki(d, ca_name="test CA"):
    """A CA, a server certificate for 127.0.0.1/localhost, and one for
    another name."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=" + ca_name, cwd=d)
    for name, san in (("server", "DNS:localhost,IP:127.0.0.1"),
                      ("wrong", "DNS:wrong.example")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
                name + ".csr", "-subj", "/CN=" + name, cwd=d)
        with open(os.path.join(d, name + ".ext"), "w", encoding="utf-8") as f:
            f.write("subjectAltName=%s\n" % san)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile",
                name + ".ext", cwd=d)


class Server:
    def __init__(self, pki, cert="server", token_ttl=900, rate=30, window=60.0, fleet=None,
                 api_rate=0, user=USER, plain=False):
        self.dir = tempfile.mkdtemp(prefix="ar-api-")
        self.record = os.path.join(self.dir, "requests.jsonl")
        self.mode_file = os.path.join(self.dir, "mode")
        port_file = os.path.join(self.dir, "port")
        with open(os.path.join(self.dir, "stderr"), "wb") as err:
            self.proc = subprocess.Popen(
                ["/usr/bin/python3", os.path.join(HERE, "fake_wazuh_api.py"),
                 "--cert", os.path.join(pki, cert + ".pem"),
                 "--key", os.path.join(pki, cert + ".key"),
                 "--port-file", port_file, "--record", self.record, "--user", user,
                 "--password", PASSWORD, "--token-ttl", str(token_ttl), "--rate", str(rate),
                 "--window", str(window), "--mode", self.mode_file, "--api-rate",
                 str(api_rate)] + (["--fleet", fleet] if fleet else []) +
                (["--plain"] if plain else []),
                stderr=err)
        self.port = self.wait_for_port(port_file)

    def wait_for_port(self, port_file, limit=60.0):
        """The port the stand-in listens on, once it says so; a stand-in that
        dies or says nothing within LIMIT seconds is named with its stderr."""
        end = time.monotonic() + limit
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > end:
                self.proc.kill()
                self.proc.wait(timeout=10)
                with open(os.path.join(self.dir, "stderr"), encoding="utf-8",
                          errors="replace") as f:
                    err = f.read().strip()
                raise RuntimeError("the HTTPS stand-in of the API (fake_wazuh_api.py) did not "
                                   "start within %d s (status %s): %s" %
                                   (limit, self.proc.returncode, err or "no output"))
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as f:
            return int(f.read())

    def set_mode(self, mode):
        with open(self.mode_file, "w", encoding="utf-8") as f:
            f.write(mode)

    def requests(self, path=None):
        if not os.path.exists(self.record):
            return []
        with open(self.record, encoding="utf-8") as f:
            reqs = [json.loads(line) for line in f]
        return [r for r in reqs
                if "path" in r and (path is None or r["path"].split("?")[0] == path)]

    def events(self):
        """The events the server accepted (answered 200 for), in order."""
        if not os.path.exists(self.record):
            return []
        with open(self.record, encoding="utf-8") as f:
            entries = [json.loads(line) for line in f]
        return [e for entry in entries for e in entry.get("accepted", [])]

    def bearers(self):
        """The digests of the Bearer tokens the server received, in order."""
        return [r["bearer"] for r in self.requests() if r.get("bearer")]

    def tokens(self):
        path = self.record + ".tokens"
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [t.strip() for t in f if t.strip()]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class ApiTestCase(unittest.TestCase):
    """Tests against the stand-in of the API: a throwaway CA and server
    certificates (make_pki) made once for the class, in cls.pki (its CA
    file cls.ca) and removed after it; serve() starts a stand-in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki = tempfile.mkdtemp(prefix="ar-pki-")
        cls.ca = os.path.join(cls.pki, "ca.pem")
        try:
            make_pki(cls.pki)
        except BaseException:
            shutil.rmtree(cls.pki, ignore_errors=True)  # no tearDownClass after this
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.pki, ignore_errors=True)
        super().tearDownClass()

    def serve(self, pki=None, **kw):
        """A stand-in with the class's certificates (or those in pki); it
        is stopped when the test ends, after tearDown, however it ends."""
        server = Server(pki or self.pki, **kw)
        self.addCleanup(server.stop)
        return server


class ReportTests(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secrets = {PASSWORD}
        cls.outputs = []

    def setUp(self):
        self.server = self.serve()
        self.w = Workdir("value_0_utf16.reg")
        self.spool = os.path.join(self.w.dir, "spool")
        self.pwfile = os.path.join(self.w.dir, "api.secret")
        with open(self.pwfile, "w", encoding="utf-8") as f:
            f.write(PASSWORD + "\n")
        os.chmod(self.pwfile, 0o600)

    def tearDown(self):
        self.secrets.update(self.server.tokens())
        self.assert_no_secret_written()
        self.w.cleanup()

    def config(self, **over):
        api = {"url": "https://127.0.0.1:%d" % self.server.port, "user": USER,
               "password_file": self.pwfile, "ca_file": self.ca,
               "timeout_seconds": 3}
        root = {"api": api, "spool_dir": self.spool}
        for k, v in over.items():
            if k.startswith("api_"):
                if v is None:
                    api.pop(k[4:], None)
                else:
                    api[k[4:]] = v
            else:
                root[k] = v
        path = os.path.join(self.w.dir, "report.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(root, f)
        return path

    def run_prog(self, cfg, sample="ours_26032_failed.json"):
        p = self.w.run(message(sample), "--config", cfg, timeout=60)
        self.outputs.append(p.stdout + p.stderr)
        return p

    def spool_waiting(self, count, numbered=True):
        """count reports left by earlier runs, named as the program names
        them, older than any new one; numbered ones carry "n": 0, 1, ..."""
        os.makedirs(self.spool, mode=0o700)
        for i in range(count):
            event = {"status": "compliant", "check_id": "26032"}
            if numbered:
                event["n"] = i
            with open(os.path.join(self.spool, "%012d-00000001-0000%04x.event.json"
                                   % (1000 + i, i)), "w", encoding="utf-8") as f:
                f.write(json.dumps(event))

    def spooled(self):
        return sorted(glob.glob(os.path.join(self.spool, "*.event.json")))

    def assert_no_secret_written(self):
        """Neither the password nor any token issued is in the log, the
        outputs, or the spool's events; the token cache is owner-only."""
        blobs = list(self.outputs)
        for path in glob.glob(os.path.join(self.w.dir, "**"), recursive=True):
            if not os.path.isfile(path) or path == self.pwfile:
                continue
            if os.path.basename(path) == "token":
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
                continue
            with open(path, "rb") as f:
                blobs.append(f.read())
        for secret in self.secrets:
            for blob in blobs:
                self.assertNotIn(secret.encode(), blob)

    def test_delivers_result(self):
        p = self.run_prog(self.config())
        self.assertEqual(p.returncode, 0, p.stderr)
        events = self.server.events()
        self.assertEqual(len(events), 1)
        event = json.loads(events[0])
        self.assertEqual(event["status"], "remediated")
        self.assertEqual(event["check_id"], "26032")
        self.assertEqual(event, self.w.result())
        self.assertEqual(self.spooled(), [])
        req = self.server.requests("/events")[0]
        self.assertEqual(req["headers"]["Authorization"], "Bearer <masked>")

    def test_token_reused_across_runs(self):
        cfg = self.config()
        for _ in range(3):
            self.assertEqual(self.run_prog(cfg).returncode, 0)
        self.assertEqual(len(self.server.requests("/security/user/authenticate")), 1)
        self.assertEqual(len(self.server.events()), 3)

    def test_server_down_keeps_report_then_sends_oldest_first(self):
        cfg = self.config()
        self.server.set_mode("503")
        p = self.run_prog(cfg, "notours_passed.json")
        self.assertEqual(p.returncode, 3, "reporting never changes the exit status")
        self.assertEqual(len(self.spooled()), 1)
        self.assertIn("kept", p.stderr.decode())
        warnings = [r for r in read_log(self.w.log) if "warning" in r]
        self.assertTrue(warnings)
        time.sleep(1.1)  # a later second: the spool orders by time
        self.server.set_mode("")
        p = self.run_prog(cfg)
        self.assertEqual(p.returncode, 0)
        statuses = [json.loads(e)["status"] for e in self.server.events()]
        self.assertEqual(statuses, ["not_applicable", "remediated"])
        self.assertEqual(self.spooled(), [])

    def test_connection_refused_keeps_report(self):
        cfg = self.config(api_url="https://127.0.0.1:1")
        p = self.run_prog(cfg)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(self.spooled()), 1)

    def test_dropped_connection_keeps_report(self):
        self.server.set_mode("drop")
        p = self.run_prog(self.config())
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(self.spooled()), 1)

    def test_rate_limit_keeps_report(self):
        self.server.stop()
        self.server = self.serve(rate=1, window=60)
        cfg = self.config()
        self.assertEqual(self.run_prog(cfg).returncode, 0)
        self.assertEqual(self.spooled(), [])
        p = self.run_prog(cfg)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(self.spooled()), 1)
        self.assertIn("429", p.stderr.decode())

    def test_expired_token_reauthenticates(self):
        self.server.stop()
        # exp is whole seconds: 3 s leaves a fresh token at least 2 s of life.
        self.server = self.serve(token_ttl=3)
        cfg = self.config()
        self.assertEqual(self.run_prog(cfg).returncode, 0)
        # A token the cache still trusts but the server no longer does.
        token_file = os.path.join(self.spool, "token")
        with open(token_file, encoding="utf-8") as f:
            token = f.read().split("\n")[1]
        with open(token_file, "w", encoding="utf-8") as f:
            f.write("%d\n%s\n" % (time.time() + 3600, token))
        time.sleep(3.2)
        self.assertEqual(self.run_prog(cfg).returncode, 0)
        self.assertEqual(len(self.server.requests("/security/user/authenticate")), 2)
        self.assertEqual(len(self.server.events()), 2)
        self.assertEqual(self.spooled(), [])

    def test_forbidden_keeps_report(self):
        self.server.set_mode("403")
        p = self.run_prog(self.config())
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(self.spooled()), 1)
        self.assertIn("403", p.stderr.decode())

    def test_wrong_password_keeps_report(self):
        with open(self.pwfile, "w", encoding="utf-8") as f:
            f.write("not-the-password\n")
        p = self.run_prog(self.config())
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(self.spooled()), 1)
        self.assertIn("login refused", p.stderr.decode())

    def test_slow_server_is_bounded(self):
        self.server.set_mode("slow")
        start = time.monotonic()
        p = self.run_prog(self.config())
        # Not a benchmark: only catches a run that waits for the server.
        self.assertLess(time.monotonic() - start, 15)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(self.spooled()), 1)

    def test_tls_needs_the_ca(self):
        p = self.run_prog(self.config(api_ca_file=None))
        self.assertEqual(p.returncode, 0)
        self.assertEqual(self.server.requests("/events"), [])
        self.assertEqual(len(self.spooled()), 1)

    def run_trusting(self, trust, cfg):
        """A run whose system trust store, libcurl's built-in CA folder
        (/etc/ssl/certs on Debian), is the folder trust alone: a private
        mount namespace binds it there for this run only (skipped by name
        where the machine allows none)."""
        skip_without(self, "mountns", "the system trust store replaced for one run")
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c",
               'mount --bind "$0" /etc/ssl/certs && exec "$@"', trust,
               *self.w.args("--config", cfg)]
        p = subprocess.run(cmd, input=message("ours_26032_failed.json"), capture_output=True,
                           timeout=60, check=False)
        self.outputs.append(p.stdout + p.stderr)
        return p

    def test_ca_file_is_the_only_trust(self):
        """A server whose certificate a CA of the system trust store signed
        is refused when ca_file names another CA."""
        system_pki = os.path.join(self.w.dir, "system-pki")
        trust = os.path.join(system_pki, "trust")
        os.makedirs(trust)
        make_pki(system_pki, "system-trusted CA")
        # As Debian lays it out: one bundle, and the same CAs by hash.
        for name in ("ca.pem", "ca-certificates.crt"):
            shutil.copyfile(os.path.join(system_pki, "ca.pem"), os.path.join(trust, name))
        openssl("rehash", ".", cwd=trust)
        self.server.stop()
        self.server = self.serve(system_pki)
        # Without ca_file, the system's trust accepts it: the setup holds.
        p = self.run_trusting(trust, self.config(api_ca_file=None))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.server.events()), 1, p.stderr)
        sent = len(self.server.requests())
        p = self.run_trusting(trust, self.config())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.server.requests()), sent, "sent to a server ca_file does not "
                         "vouch for: %s" % p.stderr)
        self.assertEqual(len(self.spooled()), 1, p.stderr)

    def test_tls_checks_the_host_name(self):
        self.server.stop()
        self.server = self.serve(cert="wrong")
        p = self.run_prog(self.config())
        self.assertEqual(p.returncode, 0)
        self.assertEqual(self.server.requests(), [])
        self.assertEqual(len(self.spooled()), 1)

    def test_plain_http_refused(self):
        p = self.run_prog(self.config(api_url="http://127.0.0.1:%d" % self.server.port))
        self.assertEqual(p.returncode, 0)
        self.assertIn("https://", p.stderr.decode())
        self.assertEqual(self.server.requests(), [])

    def test_unknown_key_named(self):
        p = self.run_prog(self.config(api_passwrd="x"))
        self.assertEqual(p.returncode, 0)
        self.assertIn("unknown key api.passwrd", p.stderr.decode())
        warnings = [r["warning"] for r in read_log(self.w.log) if "warning" in r]
        self.assertTrue(any("api.passwrd" in w for w in warnings))

    def test_password_file_must_be_private(self):
        os.chmod(self.pwfile, 0o644)
        p = self.run_prog(self.config())
        self.assertEqual(p.returncode, 0)
        self.assertIn("readable by others", p.stderr.decode())
        self.assertEqual(self.server.requests(), [])

    def test_inline_password_in_a_readable_configuration_refused(self):
        """The configuration holding api.password is the secret's file: when
        others can read it nothing is sent, the log and standard error name
        it (not the secret), and the registry's outcome stands."""
        cfg = self.config(api_password_file=None, api_password=PASSWORD)
        os.chmod(cfg, 0o644)
        p = self.run_prog(cfg)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.server.requests(), [], p.stderr)
        self.assertIn("remediated", p.stderr.decode())
        said = "%s is readable by others" % cfg
        self.assertIn(said, p.stderr.decode())
        self.assertTrue(any(said in r.get("warning", "") for r in read_log(self.w.log)))
        os.chmod(cfg, 0o600)
        p = self.run_prog(cfg, "ours_26032_failed.json")
        self.assertEqual(len(self.server.events()), 1, p.stderr)
        os.remove(cfg)  # it holds the password, which tearDown looks for everywhere

    def test_spool_cap_drops_oldest_with_warning(self):
        cfg = self.config(spool_max_events=2)
        self.server.set_mode("503")
        for _ in range(3):
            self.run_prog(cfg)
        self.assertEqual(len(self.spooled()), 2)
        warnings = [r["warning"] for r in read_log(self.w.log) if "warning" in r]
        self.assertTrue(any("dropped the 1 oldest" in w for w in warnings), warnings)

    def test_partly_taken_batch_keeps_only_the_rest(self):
        cfg = self.config()
        self.spool_waiting(4)
        self.server.set_mode("partial")
        p = self.run_prog(cfg)
        self.assertEqual(p.returncode, 0)
        self.assertIn("took 3 of 5 events", p.stderr.decode())
        # The API's own reason, from failed_items of its 200 answer.
        self.assertIn("code 1014: Error communicating with socket", p.stderr.decode())
        # The API forwarded events 0, 2 and 4 (the new result): those left
        # the spool; 1 and 3 wait, and go next time, once each.
        waiting = []
        for path in self.spooled():
            with open(path, encoding="utf-8") as f:
                waiting.append(json.load(f).get("n"))
        self.assertEqual(waiting, [1, 3])
        self.server.set_mode("")
        self.assertEqual(self.run_prog(cfg).returncode, 0)
        sent = [json.loads(e) for e in self.server.events()]
        self.assertEqual(sorted(e["n"] for e in sent if "n" in e), [0, 1, 2, 3])
        self.assertEqual([e["status"] for e in sent if "n" not in e],
                         ["remediated", "compliant"])
        self.assertEqual(self.spooled(), [])

    def test_a_run_waits_for_the_one_sending(self):
        cfg = self.config()
        os.makedirs(self.spool, mode=0o700)
        # Another run holds the sending lock past this run's API budget.
        with open(os.path.join(self.spool, "sending.lock"), "w", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            p = self.run_prog(cfg)
        self.assertEqual(p.returncode, 0)
        self.assertIn("another run is sending", p.stderr.decode())
        self.assertEqual(self.server.requests(), [])
        self.assertEqual(len(self.spooled()), 1)
        # Released: the next run sends both.
        self.assertEqual(self.run_prog(cfg).returncode, 0)
        self.assertEqual([json.loads(e)["status"] for e in self.server.events()],
                         ["remediated", "compliant"])
        self.assertEqual(self.spooled(), [])

    def test_runs_started_together_send_each_event_once(self):
        cfg = self.config()
        self.spool_waiting(40)
        # Only the registry file is shared: each run has its own log.
        procs = [subprocess.Popen(self.w.args()[:-2] + ["--log-file", self.w.log + str(k),
                                                        "--config", cfg],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for k in range(6)]
        alert = message("ours_26032_failed.json")
        for proc in procs:
            proc.stdin.write(alert)
            proc.stdin.close()
        for proc in procs:
            self.outputs.append(proc.stderr.read())
            self.assertEqual(proc.wait(timeout=60), 0)
        sent = [json.loads(e) for e in self.server.events()]
        self.assertEqual(sorted(e["n"] for e in sent if "n" in e), list(range(40)))
        self.assertEqual(len([e for e in sent if "n" not in e]) + len(self.spooled()), 6)

    def test_no_events_endpoint_keeps_reports_and_warns_once(self):
        """A 5.x server has no POST /events (404): the reports stay in the
        spool, one warning says why, and later runs do not ask again."""
        cfg = self.config()
        self.server.set_mode("no-events")
        for _ in range(3):
            self.assertEqual(self.run_prog(cfg).returncode, 0)
        self.assertEqual(len(self.spooled()), 3)
        self.assertEqual(len(self.server.requests("/events")), 1)
        self.assertEqual(len(self.server.requests("/security/user/authenticate")), 1)
        warnings = [r["warning"] for r in read_log(self.w.log) if "warning" in r]
        self.assertEqual(warnings, ["this Wazuh server API has no POST /events (Wazuh 5.x "
                                    "removed it): reports are kept; the log line carries "
                                    "the result"])
        self.assertNotIn(b"report not sent", b"".join(self.outputs[-3:]))
        # A day later the server is asked again; one that takes events
        # gets all that waited, and the mark is gone.
        marker = os.path.join(self.spool, "no-events-endpoint")
        with open(marker, "w", encoding="utf-8") as f:
            f.write("%d\n" % (time.time() - 25 * 3600))
        self.server.set_mode("")
        self.assertEqual(self.run_prog(cfg).returncode, 0)
        self.assertEqual(len(self.server.events()), 4)
        self.assertEqual(self.spooled(), [])
        self.assertFalse(os.path.exists(marker))

    def test_token_used_only_with_its_server_and_user(self):
        """The cached token goes only to the server (scheme, host, port) and
        as the user it was issued for: after api.url or api.user change it
        is not sent, not even once, and never over plain http."""
        cfg = self.config()
        self.assertEqual(self.run_prog(cfg).returncode, 0)
        issued = {digest(t) for t in self.server.tokens()}
        self.assertEqual(len(issued), 1)
        other = self.serve(plain=True)
        p = self.run_prog(self.config(api_url="http://127.0.0.1:%d" % other.port,
                                      api_allow_plain_http=True))
        self.secrets.update(other.tokens())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(set(other.bearers()) & issued, set(),
                         "the https server's token went to another server, over http")
        self.assertEqual(len(other.events()), 1, p.stderr)
        self.assertEqual(len(other.requests("/security/user/authenticate")), 1)
        # Back to the first server as its user: a token of its own again.
        self.assertEqual(self.run_prog(self.config()).returncode, 0)
        issued = {digest(t) for t in self.server.tokens()}
        self.assertEqual(len(issued), 2)
        sent = len(self.server.bearers())
        p = self.run_prog(self.config(api_user="someone-else"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.server.bearers()[sent:], [],
                         "a token of %s was sent for someone-else" % USER)
        self.assertIn("login refused", p.stderr.decode())
        self.assertEqual(len(self.spooled()), 1)

    def test_no_proxy_from_the_environment(self):
        """https_proxy, ALL_PROXY, ... name a listening proxy: nothing
        reaches it, the report goes straight to the API."""
        proxy = RecordingProxy()
        self.addCleanup(proxy.close)
        env = dict(os.environ, **proxy.env())
        p = subprocess.run(self.w.args("--config", self.config()),
                           input=message("ours_26032_failed.json"), env=env,
                           capture_output=True, timeout=60, check=False)
        self.outputs.append(p.stdout + p.stderr)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.server.events()), 1, p.stderr)
        self.assertEqual(proxy.seen(), [])

    def test_configured_proxy_carries_a_tunnel(self):
        """api.proxy is used, as a tunnel (CONNECT) that sees no request,
        whatever no_proxy says in the environment."""
        proxy = RecordingProxy()
        self.addCleanup(proxy.close)
        env = dict(os.environ, no_proxy="*", NO_PROXY="*")
        p = subprocess.run(self.w.args("--config", self.config(api_proxy=proxy.url)),
                           input=message("ours_26032_failed.json"), env=env,
                           capture_output=True, timeout=60, check=False)
        self.outputs.append(p.stdout + p.stderr)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.server.events()), 1, p.stderr)
        want = b"CONNECT 127.0.0.1:%d HTTP/1.1" % self.server.port
        self.assertTrue(proxy.seen(), p.stderr)
        self.assertEqual(set(proxy.seen()), {want})

    def test_hostile_answers_cost_bounded_memory(self):
        """16 MiB of [0,0,...] (with its length, and chunked without), an
        answer nested a million deep, a 16 MiB login answer: each refused
        before it is read whole; the run's peak memory stays under 64 MiB
        and its time within the 4 s budget, the report kept."""
        cfg = self.config()
        self.assertEqual(self.run_prog(cfg).returncode, 0)  # a token cached
        big = 16 * 1024 * 1024
        for mode in ("huge=%d" % big, "huge-chunked=%d" % big, "deep=1000000",
                     "huge-login=%d" % big):
            with self.subTest(mode=mode):
                if mode.startswith("huge-login"):
                    os.remove(os.path.join(self.spool, "token"))
                self.server.set_mode(mode)
                status, out, err, peak, secs = run_measured(
                    self.w.args("--config", cfg), message("ours_26032_failed.json"))
                self.outputs.append(out + err)
                print("%s: peak %.1f MiB, %.2f s" % (mode, peak / 2 ** 20, secs),
                      file=sys.stderr)
                self.assertEqual(status, 0, err)
                self.assertIn(b"kept in", err)
                self.assertLess(peak, MEMORY_CAP, err)
                # Not a benchmark: catches a run that reads the answer whole
                # (the budget, the jitter of a backlog, the start).
                self.assertLess(secs, 4 + 2, err)
        self.assertEqual(len(self.spooled()), 4)
        self.server.set_mode("")
        self.assertEqual(self.run_prog(cfg).returncode, 0)
        self.assertEqual(self.spooled(), [])

    def test_batches_of_at_most_100(self):
        cfg = self.config()
        self.spool_waiting(150, numbered=False)
        p = self.run_prog(cfg)
        self.assertEqual(p.returncode, 0)
        sizes = [len(json.loads(r["body"])["events"]) for r in self.server.requests("/events")]
        self.assertEqual(len(self.server.events()), 151)
        self.assertEqual(sizes, [100, 51])
        self.assertEqual(self.spooled(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
