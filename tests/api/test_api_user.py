"""packaging/wazuh/api-user.sh (the sweep's own program doing the work,
--setup-api-user) against the HTTPS stand-in of the API, which answers as
Wazuh 4.x's RBAC does (fake_rbac.py: its stock users, roles and policies,
unique names, 4009 for a policy whose rule exists already, inside an HTTP
200 answer): the first run makes the user, its role and link, reusing the
stock policy with the same rule; a second run changes nothing and exits 0;
a password changes only when asked; --remove takes out what the runs made
and leaves Wazuh's own; a step that fails (the stand-in told to refuse it)
leaves nothing half-made and the message names the step and the API's
code. Watched as a local attacker on the manager would: every process's
command line is sampled while the script runs (the stand-in delays its
answers), and no secret may show there; the admin's token is revoked
however the run ends; a WAZUH_API that is not https:// is refused before
anything is sent. With WAZUH_API_URL (given_api.py) the same runs are made
against that API too."""

import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from given_api import given, say_skipped
from test_report import PASSWORD, ApiTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "packaging", "wazuh", "api-user.sh")
SWEEP = os.environ.get("AR_SWEEP", os.path.join(
    HERE, "..", "..", "build", "sweep", "win_ms_network_client_sign_if_server_agrees_sweep"))
ADMIN = "wazuh"
NEW_PASSWORD = "N3w-Reporter-Pa55!"
OTHER_PASSWORD = "An0ther-Pa55word!"
GIVEN = given()


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

    def setups(self):
        return [c for c in self.seen if b"--setup-api-user" in c]


def run_script(env, admin_password, args, pwfile=None, timeout=120):
    """api-user.sh with the admin's password as standard input: (status,
    output), or the Popen when timeout is None."""
    with tempfile.TemporaryFile() as typed:  # the admin's password, as typed
        typed.write(admin_password.encode() + b"\n")
        typed.seek(0)
        p = subprocess.Popen(["sh", SCRIPT, *args] + ([pwfile] if pwfile else []),
                             env=dict(env, AR_SWEEP=SWEEP), stdin=typed,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    if timeout is None:
        return p
    return finish(p, timeout)


def finish(p, timeout=120):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        err += b"\n(killed: still running after %d s)" % timeout
    return p.returncode, (out + err).decode("utf-8", "replace")


def write_secret(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.chmod(path, 0o600)
    return path


class ApiUserTests(ApiTestCase):
    def setUp(self):
        self.server = self.serve(user=ADMIN)
        self.dir = tempfile.mkdtemp(prefix="ar-api-user-")
        self.pwfile = write_secret(self.dir, "reporter.secret", NEW_PASSWORD)
        self.stock = self.state()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self, api=None):
        return dict(os.environ, WAZUH_API=api or "https://127.0.0.1:%d" % self.server.port,
                    WAZUH_CA=self.ca, ADMIN_USER=ADMIN)

    def start(self, api=None, *args):
        return run_script(self.env(api), PASSWORD, list(args), self.pwfile, timeout=None)

    def run_api_user(self, *args, pwfile=True):
        return run_script(self.env(), PASSWORD, list(args), self.pwfile if pwfile else None)

    def state(self):
        """The stand-in's users, roles and policies (stock ones only before
        any change), read by a GET of our own when it has written none."""
        path = self.server.record + ".rbac"
        if not os.path.exists(path):
            from fake_rbac import Rbac  # the state the stand-in starts from
            return json.loads(json.dumps(Rbac().snapshot()))
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def named(self, kind, name, key="name"):
        return [o for o in self.state()[kind] if o[key] == name]

    def changes(self, since=0):
        """The requests after the first since that change something (not
        GETs, not the login and logout)."""
        return [(r["method"], r["path"].split("?")[0]) for r in self.server.requests()[since:]
                if r["method"] != "GET" and "/user/authenticate" not in r["path"]]

    def paths(self):
        return [(r["method"], r["path"].split("?")[0]) for r in self.server.requests()]

    def token_refused(self, token):
        ctx = ssl.create_default_context(cafile=self.ca)
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, context=ctx,
                                           timeout=30)
        conn.request("GET", "/security/policies", headers={"Authorization": "Bearer " + token})
        status = conn.getresponse().status
        conn.close()
        return status == 401

    def assert_revoked(self, output):
        tokens = self.server.tokens()
        self.assertGreaterEqual(len(tokens), 1, output)
        self.assertEqual(self.paths()[-1], ("DELETE", "/security/user/authenticate"),
                         "the logout is not the last request: %s\n%s" % (self.paths(), output))
        self.assertTrue(all(self.token_refused(t) for t in tokens), "an admin token still works")

    def assert_reporter(self, output, password=NEW_PASSWORD):
        """One ar-reporter, holding one role ar_reporter, holding the stock
        policy with event:ingest alone."""
        users, roles = self.named("users", "ar-reporter", "username"), \
            self.named("roles", "ar_reporter")
        self.assertEqual(len(users), 1, output)
        self.assertEqual(len(roles), 1, output)
        self.assertEqual(users[0]["roles"], [roles[0]["id"]], output)
        stock = self.named("policies", "events_ingest_resourceless")[0]
        self.assertEqual(stock["id"], 35)
        self.assertEqual(roles[0]["policies"], [35], output)
        self.assertEqual(users[0]["password"], password)

    def test_first_run_creates_reusing_the_stock_policy_no_secret_on_any_command_line(self):
        self.server.set_mode("delay=0.2")
        sampler = CmdlineSampler(self.server.proc.pid)
        sampler.start()
        try:
            code, output = self.run_api_user()
        finally:
            sampler.stop()
        self.assertEqual(code, 0, output)
        # The sampling saw the program at work, or it proves nothing.
        self.assertTrue(sampler.setups(), "the program was never seen running")
        for secret in [PASSWORD, NEW_PASSWORD] + self.server.tokens():
            self.assertFalse(any(secret.encode() in c for c in sampler.seen),
                             "a secret stood on a command line: %s" %
                             [c for c in sampler.seen if secret.encode() in c])
            self.assertNotIn(secret, output)
        self.assert_reporter(output)
        # The stock policy with the rule is used, none made beside it.
        self.assertIn("policy 35 (events_ingest_resourceless) found", output)
        self.assertNotIn(("POST", "/security/policies"), self.paths())
        self.assertEqual(len(self.state()["policies"]), len(self.stock["policies"]))
        self.assert_revoked(output)

    def test_second_run_changes_nothing_and_exits_0(self):
        for args in ((), ("--sweep",)):
            code, output = self.run_api_user(*args)
            self.assertEqual(code, 0, output)
            before, since = self.state(), len(self.server.requests())
            code, output = self.run_api_user(*args)
            self.assertEqual(code, 0, output)
            self.assertEqual(self.changes(since), [], output)
            self.assertEqual(self.state(), before, output)
            self.assertIn("nothing changed", output)
            self.assertIn("found", output)
        sweep = self.named("policies", "ar_sweep")
        self.assertEqual(len(sweep), 1)
        self.assertEqual(sorted(sweep[0]["policy"]["actions"]),
                         ["active-response:command", "agent:read", "sca:read"])
        self.assertEqual(self.named("roles", "ar_sweep")[0]["policies"], [sweep[0]["id"]])
        self.assert_reporter(output)

    def test_password_changed_only_when_told(self):
        self.assertEqual(self.run_api_user()[0], 0)
        self.pwfile = write_secret(self.dir, "other.secret", OTHER_PASSWORD)
        code, output = self.run_api_user()
        self.assertEqual(code, 0, output)
        self.assertIn("password left as it is", output)
        self.assert_reporter(output, NEW_PASSWORD)
        since = len(self.server.requests())
        code, output = self.run_api_user("--reset-password")
        self.assertEqual(code, 0, output)
        self.assertEqual(self.changes(since), [("PUT", "/security/users/100")], output)
        self.assert_reporter(output, OTHER_PASSWORD)
        self.assertNotIn(OTHER_PASSWORD, output)

    def test_remove_takes_out_what_it_made_and_leaves_the_stock(self):
        for args in ((), ("--sweep",)):
            self.assertEqual(self.run_api_user(*args)[0], 0)
        for args in (("--remove",), ("--sweep", "--remove")):
            code, output = self.run_api_user(*args, pwfile=False)
            self.assertEqual(code, 0, output)
        self.assertEqual(self.state(), self.stock)
        self.assertNotIn(("DELETE", "/security/policies"),
                         [c for c in self.changes() if "35" in c[1]])
        code, output = self.run_api_user("--remove", pwfile=False)
        self.assertEqual(code, 0, output)
        self.assertIn("nothing to remove", output)
        self.assert_revoked(output)

    def test_a_step_refused_midway_leaves_nothing_half_made(self):
        # Each step of a sweep user's first run refused in turn, as the API
        # refuses: HTTP 200, the code in data.failed_items.
        steps = [("POST /security/roles 4005", "creating the role", 4005),
                 ("POST /security/roles/100/policies 4011", "linking policy 100 to role 100",
                  4011),
                 ("POST /security/users 5000", "creating the user", 5000),
                 ("POST /security/users/100/roles 4017", "linking role 100 to user 100", 4017)]
        for mode, step, code_ in steps:
            with self.subTest(step=step):
                self.server.set_mode("refuse=" + mode)
                code, output = self.run_api_user("--sweep")
                self.assertEqual(code, 1, output)
                self.assertIn(step, output)
                self.assertIn("code %d" % code_, output)
                self.assertIn("undone", output)
                self.assertEqual(self.state(), self.stock, output)
                self.assert_revoked(output)
        self.server.set_mode("")
        code, output = self.run_api_user("--sweep")
        self.assertEqual(code, 0, output)

    def admin_request(self, method, path, body=None):
        """One request as the admin, for the state a test starts from."""
        ctx = ssl.create_default_context(cafile=self.ca)
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, context=ctx,
                                           timeout=30)
        basic = base64.b64encode(("%s:%s" % (ADMIN, PASSWORD)).encode()).decode()
        conn.request("POST", "/security/user/authenticate?raw=true",
                     headers={"Authorization": "Basic " + basic})
        token = conn.getresponse().read().decode()
        conn.request(method, path, body=json.dumps(body) if body else None,
                     headers={"Authorization": "Bearer " + token,
                              "Content-Type": "application/json"})
        answer = json.loads(conn.getresponse().read())
        conn.close()
        return answer

    def test_a_policy_only_like_the_rule_is_not_reused(self):
        # Three actions, one repeated and one missing: not the sweep's rule.
        self.admin_request("POST", "/security/policies", {"name": "lookalike", "policy": {
            "actions": ["agent:read", "agent:read", "sca:read"], "resources": ["agent:id:*"],
            "effect": "allow"}})
        code, output = self.run_api_user("--sweep")
        self.assertEqual(code, 0, output)
        lookalike = self.named("policies", "lookalike")[0]
        self.assertEqual(lookalike["roles"], [], output)
        self.assertEqual(sorted(self.named("policies", "ar_sweep")[0]["policy"]["actions"]),
                         ["active-response:command", "agent:read", "sca:read"])

    def test_a_password_refused_by_the_api_is_named(self):
        self.pwfile = write_secret(self.dir, "short.secret", "short")
        code, output = self.run_api_user()
        self.assertEqual(code, 1, output)
        self.assertIn("creating the user", output)
        self.assertIn("code 5009", output)
        self.assertEqual(self.state(), self.stock, output)

    def test_a_failed_step_still_revokes_the_token(self):
        self.server.set_mode("fail=/security/roles")
        code, output = self.run_api_user()
        self.assertEqual(code, 1, output)
        self.assertIn("HTTP 500", output)
        self.assertNotIn(("POST", "/security/users"), self.paths())
        self.assert_revoked(output)

    def test_a_stopped_run_undoes_what_it_made_and_revokes_the_token(self):
        self.server.set_mode("delay=1")
        p = self.start()
        deadline = time.monotonic() + 60
        while ("POST", "/security/roles") not in self.paths() and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        p.send_signal(signal.SIGTERM)
        code, output = finish(p)
        self.assertEqual(code, 128 + signal.SIGTERM, output)
        self.assertIn("stopped by signal", output)
        self.assertNotIn(("POST", "/security/users"), self.paths())
        self.assertEqual(self.state(), self.stock, output)
        self.assert_revoked(output)

    def test_plain_http_refused_before_anything_is_sent(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        listener.settimeout(0.5)
        try:
            code, output = finish(
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
        self.assertIn("https://", output)
        self.assertFalse(connected, "the script connected to an http:// API")
        self.assertEqual(self.server.requests(), [])


@unittest.skipIf(GIVEN is None, "no WAZUH_API_URL given")
class GivenApiUserTests(unittest.TestCase):
    """The users made and removed twice on the API given, under names of
    this run's own (their roles and policies named after them)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ar-api-user-given-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.pwfile = write_secret(self.dir, "new.secret", NEW_PASSWORD)

    def run_given(self, user, *args, pwfile=True):
        env = dict(GIVEN.env(), REPORT_USER=user, SWEEP_USER=user)
        return run_script(env, GIVEN.password(), list(args), self.pwfile if pwfile else None)

    def test_users_made_and_removed_twice(self):
        for kind in ((), ("--sweep",)):
            user = "ar-test-%d-%s" % (os.getpid(), "sweep" if kind else "report")
            with self.subTest(user=user):
                self.addCleanup(self.run_given, user, *kind, "--remove", pwfile=False)
                code, output = self.run_given(user, *kind)
                self.assertEqual(code, 0, output)
                code, output = self.run_given(user, *kind)
                self.assertEqual(code, 0, output)
                self.assertIn("nothing changed", output)
                for _ in range(2):
                    code, output = self.run_given(user, *kind, "--remove", pwfile=False)
                    self.assertEqual(code, 0, output)
                self.assertIn("nothing to remove", output)


if __name__ == "__main__":
    if GIVEN is None:
        say_skipped()
    unittest.main(verbosity=2)
