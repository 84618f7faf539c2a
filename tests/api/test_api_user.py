"""packaging/wazuh/api-user.sh against the HTTPS stand-in of the API, as a
local attacker on the manager would watch it: every process's command line
is sampled while the script runs (the stand-in delays its answers, so each
curl stays up long enough to be seen), and no secret may show there; the
admin's token is revoked when the script ends, whether it succeeds, fails at
a step or is stopped; a WAZUH_API that is not https:// is refused before
anything is sent."""

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

from test_report import PASSWORD, ApiTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "packaging", "wazuh", "api-user.sh")
ADMIN = "wazuh"
NEW_PASSWORD = "N3w-Reporter-Pa55!"


class CmdlineSampler(threading.Thread):
    """Reads every process's /proc/PID/cmdline until stopped, but the
    stand-ins' (given the password to accept on their own command line)."""

    def __init__(self, skip_pid):
        super().__init__(daemon=True)
        self.skip = str(skip_pid)
        self.seen = set()
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit() or pid == self.skip:
                    continue
                try:
                    with open("/proc/%s/cmdline" % pid, "rb") as f:
                        cmdline = f.read()
                    # Other suites' stand-ins run beside this one, each
                    # given the password it accepts on its command line.
                    if b"fake_wazuh_api.py" not in cmdline:
                        self.seen.add(cmdline)
                except OSError:
                    pass
            time.sleep(0.002)

    def stop(self):
        self.done.set()
        self.join()

    def curls(self):
        return [c for c in self.seen if c.split(b"\0")[0].endswith(b"curl")]


class ApiUserTests(ApiTestCase):
    def setUp(self):
        self.server = self.serve(user=ADMIN)
        self.dir = tempfile.mkdtemp(prefix="ar-api-user-")
        self.pwfile = os.path.join(self.dir, "reporter.secret")
        with open(self.pwfile, "w", encoding="utf-8") as f:
            f.write(NEW_PASSWORD + "\n")
        os.chmod(self.pwfile, 0o600)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, api=None, *args):
        env = dict(os.environ, WAZUH_API=api or "https://127.0.0.1:%d" % self.server.port,
                   WAZUH_CA=self.ca, ADMIN_USER=ADMIN)
        answer = os.path.join(self.dir, "typed")  # the admin's password, as typed
        with open(answer, "w", encoding="utf-8") as f:
            f.write(PASSWORD + "\n")
        with open(answer, "rb") as stdin:
            return subprocess.Popen(["bash", SCRIPT, *args, self.pwfile], env=env, stdin=stdin,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)

    def finish(self, p):
        try:
            out, err = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)  # curl too, which holds the pipes
            out, err = p.communicate()
            err += b"\n(killed: still running after 120 s)"
        return p.returncode, out + err

    def run_sampled(self, *args):
        sampler = CmdlineSampler(self.server.proc.pid)
        sampler.start()
        try:
            code, output = self.finish(self.start(None, *args))
        finally:
            sampler.stop()
        return code, output, sampler

    def paths(self):
        return [(r["method"], r["path"].split("?")[0]) for r in self.server.requests()]

    def token_refused(self, token):
        ctx = ssl.create_default_context(cafile=self.ca)
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, context=ctx,
                                           timeout=30)
        conn.request("POST", "/security/policies", body=b'{"name":"probe"}',
                     headers={"Authorization": "Bearer " + token})
        status = conn.getresponse().status
        conn.close()
        return status == 401

    def assert_revoked(self, output):
        tokens = self.server.tokens()
        self.assertEqual(len(tokens), 1, output)
        self.assertEqual(self.paths()[-1], ("DELETE", "/security/user/authenticate"),
                         "the logout is not the last request: %s\n%s" % (self.paths(), output))
        self.assertTrue(self.token_refused(tokens[0]), "the admin token still works")

    def test_creates_the_user_with_no_secret_on_any_command_line(self):
        self.server.set_mode("delay=0.3")
        code, output, sampler = self.run_sampled()
        self.assertEqual(code, 0, output)
        # The sampling saw curl at work, the login and the calls with the
        # token among them, or it proves nothing.
        curls = b"\n".join(sampler.curls())
        self.assertIn(b"/security/user/authenticate", curls, sampler.curls())
        self.assertIn(b"/security/policies", curls, sampler.curls())
        secrets = [PASSWORD, NEW_PASSWORD] + self.server.tokens()
        for secret in secrets:
            self.assertFalse(any(secret.encode() in c for c in sampler.seen),
                             "a secret stood on a command line: %s" %
                             [c for c in sampler.seen if secret.encode() in c])
            self.assertNotIn(secret.encode(), output)
        self.assertEqual(self.paths(), [
            ("POST", "/security/user/authenticate"), ("POST", "/security/policies"),
            ("POST", "/security/roles"), ("POST", "/security/roles/101/policies"),
            ("POST", "/security/users"), ("POST", "/security/users/101/roles"),
            ("DELETE", "/security/user/authenticate")], output)
        users = self.server.requests("/security/users")
        self.assertIn(NEW_PASSWORD, users[0]["body"])
        self.assert_revoked(output)

    def test_a_failed_step_still_revokes_the_token(self):
        self.server.set_mode("fail=/security/roles")
        code, output, _ = self.run_sampled()
        self.assertNotEqual(code, 0, output)
        self.assertNotIn(("POST", "/security/users"), self.paths())
        self.assert_revoked(output)

    def test_a_stopped_run_still_revokes_the_token(self):
        self.server.set_mode("delay=1")
        p = self.start()
        deadline = time.monotonic() + 60
        while ("POST", "/security/policies") not in self.paths() and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        p.send_signal(signal.SIGTERM)
        code, output = self.finish(p)
        self.assertNotEqual(code, 0, output)
        self.assertNotIn(("POST", "/security/users"), self.paths())
        self.assert_revoked(output)

    def test_plain_http_refused_before_anything_is_sent(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        listener.settimeout(0.5)
        try:
            code, output = self.finish(
                self.start("http://127.0.0.1:%d" % listener.getsockname()[1]))
            try:
                conn, _ = listener.accept()
                conn.close()
                connected = True
            except socket.timeout:
                connected = False
        finally:
            listener.close()
        self.assertNotEqual(code, 0, output)
        self.assertIn(b"https://", output)
        self.assertFalse(connected, "the script connected to an http:// API")
        self.assertEqual(self.server.requests(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
