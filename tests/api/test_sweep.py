"""The manager-side sweep, end to end: the built sweep against a real HTTPS
stand-in of the Wazuh server API (fake_wazuh_api.py with fleet_api.py)
over generated fleets (fleet.py: mixed systems and releases, disconnected
agents, decoys on the same registry key). Asserts which agents the API was
asked to reach, what each received - run through the built active response
exactly as received, against a .reg registry - the request rate, the
batches, resuming after a kill, and that no secret is printed or kept."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from jsonschema import Draft202012Validator

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from arprog import Workdir, allow_cores, core_limit, reg_value  # noqa: E402
from fleet import expected, make_fleet, older_than_42  # noqa: E402
from recording_proxy import RecordingProxy  # noqa: E402
from test_report import MEMORY_CAP, PASSWORD, USER, ApiTestCase, run_measured  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")
SWEEP = os.environ.get("AR_SWEEP") or os.path.join(
    ROOT, "build", "sweep", "win_ms_network_client_sign_if_server_agrees_sweep")
SUMMARY_KEYS = {"agents_listed", "windows_active", "failing", "dispatched", "dispatch_failed",
                "skipped", "requests", "seconds", "arguments", "arguments_from"}
OSSEC_CONF = os.path.join(ROOT, "tests", "data", "ossec_conf")
COMMAND = "!win_ms_network_client_sign_if_server_agrees.exe"


def schema(name):
    with open(os.path.join(ROOT, "schemas", name), encoding="utf-8") as f:
        return Draft202012Validator(json.load(f))


class SweepTests(ApiTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ar-sweep-")
        self.server = None
        self.outputs = []

    def tearDown(self):
        if self.server is not None:
            secrets = {PASSWORD} | set(self.server.tokens())
            kept = [os.path.join(self.dir, n) for n in os.listdir(self.dir)
                    if n.startswith("state")]
            for path in kept:
                with open(path, "rb") as f:
                    self.outputs.append(f.read())
            for secret in secrets:
                for blob in self.outputs:
                    self.assertNotIn(secret.encode(), blob)
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- helpers -----------------------------------------------------------

    def start(self, fleet, **kw):
        path = os.path.join(self.dir, "fleet.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(fleet, f)
        self.fleet = fleet
        self.server = self.serve(fleet=path, **kw)

    def config(self, **over):
        pwfile = os.path.join(self.dir, "api.secret")
        with open(pwfile, "w", encoding="utf-8") as f:
            f.write(PASSWORD + "\n")
        os.chmod(pwfile, 0o600)
        cfg = {"api": {"url": "https://127.0.0.1:%d" % self.server.port, "user": USER,
                       "password_file": pwfile, "ca_file": self.ca,
                       "timeout_seconds": 10},
               "max_requests_per_minute": 100000,
               "ossec_conf": os.path.join(OSSEC_CONF, "manager_shipped.conf")}
        for k, v in over.items():
            if k.startswith("api_"):
                if v is None:
                    cfg["api"].pop(k[4:], None)
                else:
                    cfg["api"][k[4:]] = v
            else:
                cfg[k] = v
        path = os.path.join(self.dir, "sweep.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(cfg, f)
        return path

    def sweep(self, *args, timeout=300):
        p = subprocess.run([SWEEP, *args], capture_output=True, timeout=timeout, check=False)
        self.outputs += [p.stdout, p.stderr]
        return p

    def summary(self, p, dry_run=False, error=False):
        lines = p.stdout.decode().splitlines()
        self.assertEqual(len(lines), 1, p.stdout)
        s = json.loads(lines[0])
        named = "would_dispatch_to" if dry_run else "dispatched_to"
        self.assertEqual(set(s), SUMMARY_KEYS | {named} | ({"error"} if error else set()),
                         p.stderr.decode())
        return s

    def records(self):
        if not os.path.exists(self.server.record):
            return []
        with open(self.server.record, encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def made(self):
        """The requests the server received (not its answers)."""
        return [r for r in self.records() if "headers" in r]

    def dispatches(self):
        return [r["dispatch"] for r in self.records() if "dispatch" in r]

    def delivered(self):
        """{agent id: [message, ...]} over every PUT /active-response."""
        out = {}
        for d in self.dispatches():
            for agent, msg in d["delivered"].items():
                out.setdefault(agent, []).append(msg)
        return out

    def assert_accepted_by_the_program(self, messages):
        """Each distinct message, as the agent's execd hands it over, makes
        the active response remediate a .reg registry whose value is 0."""
        seen = set()
        for msg in messages:
            text = json.dumps(msg, separators=(",", ":"))
            if text in seen:
                continue
            seen.add(text)
            self.assertIsInstance(msg, dict, "a JSON message, not the legacy string")
            self.assertTrue(schema("ar-message-4x.schema.json").is_valid(msg), text[:300])
            w = Workdir("value_0_utf16.reg")
            try:
                p = w.run(text.encode() + b"\n")
                self.assertEqual(p.returncode, 0, p.stderr.decode() + text[:400])
                self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1))
                self.assertEqual(w.result()["status"], "remediated")
            finally:
                w.cleanup()
        return len(seen)

    def assert_requests_well_formed(self, arguments=()):
        for r in self.made():
            if r["method"] == "PUT":
                self.assertIn("agents_list=", r["path"], "a PUT without agents_list "
                              "targets every agent")
                self.assertIn("wait_for_complete=true", r["path"])
                self.assertLess(r["head_bytes"], 16 * 1024)
        for d in self.dispatches():
            self.assertLessEqual(len(d["agents_list"].split(",")), 500)
            self.assertEqual(d["dropped"], [])
            self.assertEqual(d["request"]["arguments"], list(arguments))

    # --- tests -------------------------------------------------------------

    def test_dispatches_exactly_the_failing_agents(self):
        self.start(make_fleet(120, seed=7))
        failing, refused = expected(self.fleet)
        p = self.sweep("--config", self.config())
        s = self.summary(p)
        got = self.delivered()
        self.assertEqual(set(got), failing - refused, p.stderr.decode())
        self.assertTrue(all(len(m) == 1 for m in got.values()), "an agent dispatched twice")
        self.assertEqual(s["failing"], len(failing))
        self.assertEqual(s["dispatched"], len(failing - refused))
        self.assertEqual(s["dispatch_failed"], len(refused))
        self.assertEqual(p.returncode, 1 if refused else 0)
        self.assertGreater(s["skipped"].get("agent_older_than_4.2", 0), 0)
        windows_active = [a for a in self.fleet["agents"] if a["status"] == "active" and
                          a.get("os", {}).get("platform") == "windows"]
        self.assertEqual(s["windows_active"], len(windows_active))
        by_code = {}
        for d in self.dispatches():
            for code, ids in d["failed"].items():
                by_code.setdefault(int(code), set()).update(ids)
        agents = {a["id"]: a for a in self.fleet["agents"]}
        self.assertEqual(by_code.get(1750, set()),
                         {i for i in refused if agents[i].get("ar_disabled")})
        self.assertEqual(by_code.get(1707, set()),
                         {i for i in refused if not agents[i].get("ar_disabled")})
        for code, ids in by_code.items():
            self.assertIn("%d with %d (" % (len(ids), code), p.stderr.decode())
        self.assertGreater(self.assert_accepted_by_the_program(
            [m for msgs in got.values() for m in msgs]), 5)
        self.assert_requests_well_formed()
        # Cost: one page, one login, two requests per examined agent (each
        # has one policy), and the batches.
        sca = [r for r in self.made() if r["method"] == "GET" and r["path"].startswith("/sca/")]
        examined = len([a for a in windows_active if not older_than_42(a["version"])])
        self.assertLessEqual(len(sca), 2 * examined)
        self.assertEqual(s["requests"], len(self.made()))
        self.assertLessEqual(s["requests"], 2 * examined + 2 + len(self.dispatches()))

    def test_decoys_with_the_same_key_are_never_dispatched(self):
        """Agents whose own check passes while checks on the same key fail:
        "(always)" (36537 is that check on 4.12 - 4.14.1 agents), the
        server settings 16031 and 34541, plain-text passwords."""
        fleet = make_fleet(200, seed=11)
        for a in fleet["agents"]:
            for pol in a.get("sca", []):
                for c in pol["checks"]:
                    if "(if server agrees)" in c["title"] and "client" in c["title"]:
                        c["result"] = "passed"
                    elif "LanmanWorkstation" in c.get("registry", ""):
                        c["result"] = "failed"
        self.start(fleet)
        p = self.sweep("--config", self.config())
        s = self.summary(p)
        self.assertEqual(self.dispatches(), [], p.stderr.decode())
        self.assertEqual(s["failing"], 0)
        self.assertEqual(p.returncode, 0)
        titles = {c["title"] for a in fleet["agents"] for pol in a.get("sca", [])
                  for c in pol["checks"] if c["result"] == "failed"}
        self.assertTrue(any("(always)" in t for t in titles))
        self.assertTrue(any("server: Digitally sign" in t for t in titles))

    def test_dry_run_dispatches_nothing_and_says_what_it_would(self):
        self.start(make_fleet(80, seed=5))
        failing, _ = expected(self.fleet)
        state = os.path.join(self.dir, "state.jsonl")
        p = self.sweep("--config", self.config(), "--dry-run", "--state", state)
        s = self.summary(p, dry_run=True)
        self.assertEqual(p.returncode, 0)
        self.assertEqual([r for r in self.made() if r["method"] == "PUT"], [])
        self.assertEqual(s["dispatched"], 0)
        self.assertEqual(s["skipped"]["dry_run"], len(failing))
        err = p.stderr.decode()
        for agent in failing:
            self.assertIn("would dispatch !win_ms_network_client_sign_if_server_agrees.exe "
                          "to agent %s " % agent, err)
        self.assertFalse(os.path.exists(state))

    def test_killed_half_way_and_resumed_dispatches_no_agent_twice(self):
        self.start(make_fleet(150, seed=3))
        failing, refused = expected(self.fleet)
        state = os.path.join(self.dir, "state.jsonl")
        cfg = self.config()
        # Each PUT answers after a while: the kill lands while the second
        # is out, after the first was answered.
        self.server.set_mode("put-delay=1.5")
        proc = subprocess.Popen([SWEEP, "--config", cfg, "--state", state],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while len(self.dispatches()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        self.outputs += [out, err]
        first = self.delivered()
        self.assertEqual(len(self.dispatches()), 2)
        self.server.set_mode("")
        p = self.sweep("--config", cfg, "--state", state)
        s = self.summary(p)
        got = self.delivered()
        self.assertEqual(set(got), failing - refused, p.stderr.decode())
        self.assertTrue(all(len(m) == 1 for m in got.values()), "an agent dispatched twice")
        # The first batch was answered before the kill, the second not.
        self.assertEqual(s["skipped"].get("already_dispatched", 0) +
                         s["skipped"].get("dispatch_unconfirmed", 0), len(first))
        self.assertGreater(s["skipped"].get("dispatch_unconfirmed", 0), 0)
        self.assertEqual(s["dispatched"], len(failing - refused) - len(first))
        self.assertIn("resuming", p.stderr.decode())
        # Finished (or only refusals left): a third run dispatches only
        # what was refused again.
        before = len(self.dispatches())
        p = self.sweep("--config", cfg, "--state", state)
        again = self.dispatches()[before:]
        self.assertEqual({a for d in again for a in d["delivered"]}, set())
        self.assertEqual({a for d in again for ids in d["failed"].values() for a in ids},
                         refused)

    def test_no_core_dump_while_it_runs(self):
        """A crash mid-sweep leaves no core with the password or token in it:
        the limit of the running sweep, started with cores allowed."""
        self.start(make_fleet(20, seed=5))
        self.server.set_mode("put-delay=1.5")
        proc = subprocess.Popen([SWEEP, "--config", self.config()], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, preexec_fn=allow_cores)
        seen, deadline = None, time.monotonic() + 60
        while proc.poll() is None and seen != ["0", "0"] and time.monotonic() < deadline:
            seen = core_limit(proc.pid) or seen
            time.sleep(0.02)
        proc.kill()
        out, err = proc.communicate()
        self.outputs += [out, err]
        self.assertEqual(seen, ["0", "0"], err.decode())

    def test_resumed_after_a_kill_while_examining(self):
        self.start(make_fleet(60, seed=9))
        failing, refused = expected(self.fleet)
        state = os.path.join(self.dir, "state.jsonl")
        cfg = self.config(max_requests_per_minute=600)  # 10 a second
        proc = subprocess.Popen([SWEEP, "--config", cfg, "--state", state],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(3)
        proc.send_signal(signal.SIGKILL)
        self.outputs += list(proc.communicate())
        before = len(self.made())
        self.assertGreater(before, 5)
        with open(state, encoding="utf-8") as f:
            clean = {a for line in f if '"clean"' in line for a in json.loads(line)["agents"]}
        self.assertTrue(clean)
        p = self.sweep("--config", self.config(), "--state", state)
        self.summary(p)
        got = self.delivered()
        self.assertEqual(set(got), failing - refused)
        self.assertTrue(all(len(m) == 1 for m in got.values()))
        # Agents found compliant before the kill are not asked about again.
        asked_again = {r["path"].split("?")[0].split("/")[2] for r in self.made()[before:]
                       if r["path"].startswith("/sca/")}
        self.assertEqual(asked_again & clean, set())

    def test_never_more_requests_a_minute_than_configured(self):
        """20 a minute against an API that refuses the 21st: no 429, and no
        60 s window holds more than 20 arrivals."""
        self.start(make_fleet(20, seed=2), api_rate=20)
        p = self.sweep("--config", self.config(max_requests_per_minute=20), timeout=400)
        s = self.summary(p)
        times = sorted(r["time"] for r in self.made())
        self.assertGreater(len(times), 20, "the test needs more than a minute's requests")
        self.assertEqual([r for r in self.records() if r.get("answered") == 429], [])
        for i, t in enumerate(times):
            self.assertLessEqual(len([u for u in times[i:] if u - t < 60.0]), 20)
        self.assertEqual(s["requests"], len(times))
        failing, refused = expected(self.fleet)
        self.assertEqual(set(self.delivered()), failing - refused)

    def test_429_and_503_are_waited_out(self):
        self.start(make_fleet(30, seed=4))
        self.server.set_mode("429x2\n503x2")
        p = self.sweep("--config", self.config())
        s = self.summary(p)
        failing, refused = expected(self.fleet)
        self.assertEqual(set(self.delivered()), failing - refused, p.stderr.decode())
        answered = [r["answered"] for r in self.records() if "answered" in r]
        self.assertEqual(answered.count(429), 2)
        self.assertEqual(answered.count(503), 2)
        self.assertEqual(s["requests"], len(answered))

    def test_a_new_login_on_expiry_without_failed_logins(self):
        # Tokens of 3 s, a sweep of several seconds: renewed as it goes.
        self.start(make_fleet(40, seed=6), token_ttl=3)
        p = self.sweep("--config", self.config(max_requests_per_minute=600))
        self.summary(p)
        logins = [r for r in self.records() if r.get("to", "").startswith(
            "/security/user/authenticate")]
        self.assertGreater(len(logins), 1)
        self.assertTrue(all(r["answered"] == 200 for r in logins))
        unauthorized = [r for r in self.records() if r.get("answered") == 401]
        self.assertLessEqual(len(unauthorized), 1)
        failing, refused = expected(self.fleet)
        self.assertEqual(set(self.delivered()), failing - refused)

    def test_wrong_password_logs_in_once_and_stops(self):
        self.start(make_fleet(10, seed=1))
        cfg = self.config()
        with open(os.path.join(self.dir, "api.secret"), "w", encoding="utf-8") as f:
            f.write("not-the-password\n")
        p = self.sweep("--config", cfg)
        self.assertEqual(p.returncode, 1)
        s = self.summary(p, error=True)
        self.assertIn("login refused (HTTP 401)", s["error"])
        self.assertEqual(s["dispatched_to"], [])
        self.assertIn("login refused (HTTP 401)", p.stderr.decode())
        self.assertEqual(len(self.server.requests("/security/user/authenticate")), 1)
        self.assertEqual(self.server.requests("/agents"), [])

    def test_batches_hold_at_most_500_agents(self):
        fleet = make_fleet(1, seed=1, releases=["v4.14.7"])
        template = next(a for a in make_fleet(40, seed=8, releases=["v4.14.7"])["agents"]
                        if a.get("truth", {}).get("failing") and not a["truth"]["refused"])
        fleet["agents"] = fleet["agents"][:1]
        for i in range(1, 1201):
            a = json.loads(json.dumps(template))
            a["id"], a["name"] = "%04d" % i, "ws-%04d" % i
            fleet["agents"].append(a)
        self.start(fleet)
        p = self.sweep("--config", self.config())
        s = self.summary(p)
        sizes = [len(d["agents_list"].split(",")) for d in self.dispatches()]
        self.assertEqual(sorted(sizes, reverse=True), [500, 500, 200])
        self.assertEqual(s["dispatched"], 1200)
        self.assertEqual(p.returncode, 0)
        self.assert_requests_well_formed()
        # Every agent named on standard error, the first 1000 in the summary.
        self.assertEqual(p.stderr.decode().count(": queued\n"), 1200)
        self.assertEqual(len(s["dispatched_to"]), 1000)
        # An alert sent to many agents names none of them.
        self.assertNotIn("agent", self.dispatches()[0]["request"]["alert"])
        self.assert_accepted_by_the_program([m for msgs in self.delivered().values()
                                             for m in msgs][:1])
        pages = [r for r in self.made() if r["method"] == "GET" and
                 r["path"].startswith("/agents")]
        self.assertEqual(len(pages), 3)

    def test_text_from_the_api_reaches_the_terminal_escaped(self):
        """An agent's name (any agent can choose its own) holding terminal
        escapes: the sweep echoes it with its control characters escaped."""
        fleet = make_fleet(30, seed=5)
        failing, _ = expected(fleet)
        agent = next(a for a in fleet["agents"] if a["id"] == sorted(failing)[0])
        agent["name"] = "host\x1b]0;owned\x07\x1b[2J\r\x9b"
        self.start(fleet)
        p = self.sweep("--config", self.config(), "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        line = [ln for ln in p.stderr.split(b"\n")
                if b"to agent %s " % agent["id"].encode() in ln]
        self.assertEqual(len(line), 1, p.stderr)
        self.assertIn(b"(host\\x1b]0;owned\\x07\\x1b[2J\\x0d\\u009b)", line[0])
        for c in list(range(0x20)) + [0x7f]:
            self.assertNotIn(bytes([c]), p.stderr.replace(b"\n", b""), line)
        self.assertNotIn("\x9b".encode(), p.stderr)

    def test_an_alert_to_one_agent_names_it(self):
        self.start(make_fleet(30, seed=12))
        failing, refused = expected(self.fleet)
        one = sorted(failing - refused)[0]
        p = self.sweep("--config", self.config(), "--agents", one)
        s = self.summary(p)
        self.assertEqual(s["agents_listed"], 1)
        (d,) = self.dispatches()
        self.assertEqual(d["agents_list"], one)
        alert = d["request"]["alert"]
        self.assertEqual(alert["agent"]["id"], one)
        self.assertEqual(alert["rule"]["groups"], ["sca"])
        self.assertEqual(alert["data"]["sca"]["type"], "check")
        listing = [r for r in self.made() if r["method"] == "GET" and
                   r["path"].startswith("/agents")]
        self.assertIn("agents_list=" + one, listing[0]["path"])
        self.assert_accepted_by_the_program(d["delivered"].values())

    def test_tls_verification_and_plain_http(self):
        self.start(make_fleet(5, seed=1))
        p = self.sweep("--config", self.config(api_ca_file=None))
        self.assertEqual(p.returncode, 1)
        self.assertEqual(self.server.requests(), [])
        p = self.sweep("--config", self.config(
            api_url="http://127.0.0.1:%d" % self.server.port))
        self.assertEqual(p.returncode, 2)
        self.assertIn("https://", p.stderr.decode())

    def test_secrets_readable_by_others_refused(self):
        """One rule for api.password_file and an inline api.password (whose
        file is the configuration): readable by group or others, refused
        with the file named, nothing sent."""
        self.start(make_fleet(2, seed=1))
        inline = os.path.join(self.dir, "inline.json")
        os.replace(self.config(api_password_file=None, api_password=PASSWORD), inline)
        pwfile_cfg = self.config()
        for cfg, secret_file, mode in ((inline, inline, 0o644), (inline, inline, 0o640),
                                       (pwfile_cfg, os.path.join(self.dir, "api.secret"),
                                        0o604)):
            os.chmod(secret_file, mode)
            p = self.sweep("--config", cfg)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("%s is readable by" % secret_file, p.stderr.decode())
            self.assertEqual(self.server.requests(), [], p.stderr)
        os.chmod(inline, 0o600)
        p = self.sweep("--config", inline, "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_a_5x_api_stops_the_sweep_saying_why(self):
        self.start(make_fleet(20, seed=1))
        self.server.set_mode("no-sca")
        p = self.sweep("--config", self.config())
        s = self.summary(p, error=True)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no GET /sca (Wazuh 5.x removed it", s["error"])
        self.assertIn("no GET /sca (Wazuh 5.x removed it", p.stderr.decode())
        self.assertEqual(len([r for r in self.made() if r["path"].startswith("/sca")]), 1)
        self.assertEqual(s["dispatched"], 0)

    def test_bad_configurations_exit_2_naming_the_key(self):
        self.start(make_fleet(2, seed=1))
        cases = [({"max_requests_per_minte": 10}, "unknown key max_requests_per_minte"),
                 ({"api_passwrd": "x"}, "unknown key api.passwrd"),
                 ({"max_requests_per_minute": 0}, "max_requests_per_minute"),
                 ({"command": "../x"}, "command"),
                 ({"state_file": 3}, "state_file"),
                 ({"max_request_per_minute": 0}, "max_request_per_minute"),
                 ({"max_request_per_minute": 10},
                  "max_requests_per_minute and max_request_per_minute are the same setting"),
                 ({"ossec_conf": ""}, "ossec_conf"),
                 ({"time_limit_seconds": 0}, "time_limit_seconds"),
                 ({"api_proxy": "socks5://127.0.0.1:1080"}, "api.proxy"),
                 ({"api_proxy": "http://u:p@127.0.0.1:3128"}, "api.proxy")]
        for over, words in cases:
            with self.subTest(over=over):
                p = self.sweep("--config", self.config(**over))
                self.assertEqual(p.returncode, 2)
                self.assertIn(words, p.stderr.decode())
                self.assertEqual(p.stdout, b"")
        for args in (["--config"], ["--dry-run"], ["--config", self.config(), "--agents",
                                                   "1;2"], ["--config", self.config(), "-x"]):
            with self.subTest(args=args):
                self.assertEqual(self.sweep(*args).returncode, 2)
        self.assertEqual(self.server.requests(), [])

    # --- what each dispatch carries (the manager's ossec.conf) -----------------

    def test_dispatches_carry_the_managers_extra_args(self):
        """A manager set to dry-run (<extra_args>dry-run</extra_args> in its
        ossec.conf, among several blocks and a decoy in a comment): every
        dispatch is a dry run, and the program, given what an agent
        received, changes nothing."""
        self.start(make_fleet(60, seed=7))
        failing, refused = expected(self.fleet)
        p = self.sweep("--config", self.config(
            ossec_conf=os.path.join(OSSEC_CONF, "manager_dry_run.conf")))
        s = self.summary(p)
        self.assertEqual(s["arguments"], ["dry-run"])
        self.assertEqual(s["arguments_from"], "ossec.conf")
        self.assertIn("every dispatch carries the arguments [dry-run]: from the <command> of "
                      "line 40 of ", p.stderr.decode())
        self.assertEqual(set(self.delivered()), failing - refused, p.stderr.decode())
        self.assert_requests_well_formed(["dry-run"])
        messages = [m for msgs in self.delivered().values() for m in msgs]
        self.assertTrue(all(m["parameters"]["extra_args"] == ["dry-run"] for m in messages))
        w = Workdir("value_0_utf16.reg")
        try:
            p = w.run(json.dumps(messages[0]).encode() + b"\n")
            self.assertEqual(p.returncode, 4, p.stderr.decode())
            self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 0))
            self.assertEqual(w.result()["status"], "would_remediate")
        finally:
            w.cleanup()

    def test_a_commented_out_dry_run_is_not_configuration(self):
        """The block the package ships, its dry-run in a comment: no
        arguments; a manager with no <command> for the program: none
        either, and the sweep says so."""
        self.start(make_fleet(30, seed=7))
        for name, words in (("manager_shipped.conf", "from the <command> of line 15 of "),
                            ("manager_none.conf", "no <command> runs %s in " % COMMAND)):
            with self.subTest(name=name):
                before = len(self.dispatches())
                p = self.sweep("--config", self.config(
                    ossec_conf=os.path.join(OSSEC_CONF, name)))
                s = self.summary(p)
                self.assertEqual(s["arguments"], [])
                self.assertIn("every dispatch carries the arguments []: " + words,
                              p.stderr.decode())
                sent = self.dispatches()[before:]
                self.assertTrue(sent)
                self.assertTrue(all(d["request"]["arguments"] == [] for d in sent))

    def test_agents_dry_run_sends_dry_run_whatever_ossec_conf_says(self):
        self.start(make_fleet(30, seed=7))
        failing, refused = expected(self.fleet)
        for name in ("manager_shipped.conf", "manager_unparsable.conf", "missing.conf"):
            with self.subTest(name=name):
                before = len(self.dispatches())
                p = self.sweep("--config", self.config(
                    ossec_conf=os.path.join(OSSEC_CONF, name)), "--agents-dry-run")
                s = self.summary(p)
                self.assertEqual((s["arguments"], s["arguments_from"]),
                                 (["dry-run"], "--agents-dry-run"))
                sent = self.dispatches()[before:]
                self.assertEqual({a for d in sent for a in d["delivered"]}, failing - refused)
                self.assertTrue(all(d["request"]["arguments"] == ["dry-run"] for d in sent))

    def test_an_ossec_conf_that_cannot_be_read_stops_the_sweep_before_it_sends(self):
        self.start(make_fleet(10, seed=1))
        cases = (("manager_unparsable.conf", "manager_unparsable.conf: line 5, column "),
                 ("manager_conflict.conf", "manager_conflict.conf: line 12: the <command> of "
                                           "line 9 and the one of line 2"),
                 ("missing.conf", "missing.conf"))
        for name, words in cases:
            with self.subTest(name=name):
                p = self.sweep("--config", self.config(
                    ossec_conf=os.path.join(OSSEC_CONF, name)))
                self.assertEqual(p.returncode, 2)
                self.assertEqual(p.stdout, b"")
                err = p.stderr.decode()
                self.assertIn(words, err)
                self.assertIn("nothing is sent", err)
                self.assertIn("--agents-dry-run", err)
        self.assertEqual(self.server.requests(), [])

    # --- rollback from the manager -----------------------------------------

    def restore_fleet(self):
        """A fleet and the agents of each kind a restore meets."""
        fleet = make_fleet(60, seed=21)
        by = {}
        for a in fleet["agents"][1:]:
            windows = a.get("os", {}).get("platform") == "windows"
            if windows and a["status"] == "disconnected":
                by.setdefault("disconnected", a["id"])
            elif not windows and a["status"] == "active":
                by.setdefault("linux", a["id"])
            elif windows and a["status"] == "active" and older_than_42(a["version"]):
                by.setdefault("old", a["id"])
            elif windows and a["status"] == "active" and not a.get("ar_disabled") and \
                    not a.get("disconnects_before_dispatch"):
                by.setdefault("good", []).append(a["id"])
        self.assertEqual(set(by), {"disconnected", "linux", "old", "good"})
        self.start(fleet)
        return by

    def test_restore_dispatches_restore_last_to_exactly_the_agents_named(self):
        by = self.restore_fleet()
        good = by["good"][:3]
        asked = good + [by["disconnected"], by["linux"], by["old"], "977", good[0]]
        p = self.sweep("--config", self.config(), "--restore", "--agents", ",".join(asked))
        s = self.summary(p)
        err = p.stderr.decode()
        (d,) = self.dispatches()
        self.assertEqual(sorted(d["agents_list"].split(",")), sorted(good))
        self.assertEqual(d["request"]["arguments"], ["restore-last"])
        self.assertEqual(set(d["delivered"]), set(good))
        for msg in d["delivered"].values():
            self.assertEqual(msg["parameters"]["extra_args"], ["restore-last"])
        # No SCA listing: the agents looked up, then the one dispatch.
        self.assertEqual([r for r in self.made() if r["path"].startswith("/sca")], [])
        self.assertEqual([r["path"].split("?")[0] for r in self.made()
                          if not r["path"].startswith("/security")],
                         ["/agents", "/active-response"])
        self.assertEqual((s["arguments"], s["dispatched"]), (["restore-last"], 3))
        self.assertEqual(s["skipped"], {"not_active": 1, "not_windows": 1,
                                        "agent_older_than_4.2": 1, "unknown_agent": 1})
        self.assertEqual({a["id"] for a in s["dispatched_to"]}, set(good))
        for reason, agent in (("not active", by["disconnected"]),
                              ("not a Windows agent", by["linux"]),
                              ("older than 4.2", by["old"]), ("unknown to the API", "977")):
            self.assertRegex(err, r"sweep: agent %s( \([^)]*\))?: not restored: %s"
                             % (agent, reason))
        # An agent named was not restored: the rollback did not go through.
        self.assertEqual(p.returncode, 1)
        p = self.sweep("--config", self.config(), "--restore", "--agents", ",".join(good))
        self.assertEqual(p.returncode, 0, p.stderr.decode())

    def test_restore_respects_dry_run(self):
        by = self.restore_fleet()
        good = by["good"][:2]
        p = self.sweep("--config", self.config(), "--restore", "--dry-run", "--agents",
                       ",".join(good))
        s = self.summary(p, dry_run=True)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual([r for r in self.made() if r["method"] == "PUT"], [])
        self.assertEqual({a["id"] for a in s["would_dispatch_to"]}, set(good))
        for agent in good:
            self.assertRegex(p.stderr.decode(), r"would dispatch to agent %s \([^)]*\): "
                             "restore-last" % agent)
        # The manager set to dry-run, or --agents-dry-run: the agents are
        # sent restore-last as a dry run.
        for extra in ([], ["--agents-dry-run"]):
            with self.subTest(extra=extra):
                before = len(self.dispatches())
                conf = "manager_dry_run.conf" if not extra else "manager_shipped.conf"
                p = self.sweep("--config", self.config(ossec_conf=os.path.join(OSSEC_CONF, conf)),
                               "--restore", "--agents", ",".join(good), *extra)
                (d,) = self.dispatches()[before:]
                self.assertEqual(d["request"]["arguments"], ["dry-run", "restore-last"])

    def test_restore_needs_the_agents_named(self):
        self.start(make_fleet(2, seed=1))
        for args in (["--restore"], ["--restore", "--agents", "001", "--state", "x"]):
            p = self.sweep("--config", self.config(), *args)
            self.assertEqual(p.returncode, 2)
            self.assertIn("--restore takes the agents", p.stderr.decode())
        self.assertEqual(self.server.requests(), [])

    # --- what the sweep says -------------------------------------------------

    def test_output_names_each_agent_dispatched_to(self):
        fleet = make_fleet(60, seed=13)
        failing, refused = expected(fleet)
        agent = next(a for a in fleet["agents"] if a["id"] == sorted(failing - refused)[0])
        agent["name"] = "host\x1b[2J-\u00e9" + "n" * 300
        self.start(fleet)
        p = self.sweep("--config", self.config())
        s = self.summary(p)
        err = p.stderr.decode()
        names = {a["id"]: a["name"] for a in self.fleet["agents"]}
        self.assertEqual({a["id"] for a in s["dispatched_to"]}, failing - refused)
        for a in s["dispatched_to"]:
            if a["id"] != agent["id"]:
                self.assertEqual(a["name"], names[a["id"]])
                self.assertIn("sweep: dispatched to agent %s (%s): queued\n"
                              % (a["id"], a["name"]), err)
        # Names from the API: escaped and bounded, cut on a character.
        long = next(a["name"] for a in s["dispatched_to"] if a["id"] == agent["id"])
        self.assertTrue(long.startswith("host\\x1b[2J-\u00e9nnn"), long)
        self.assertLessEqual(len(long.encode()), 256)
        for agent_id in refused:
            self.assertRegex(err, r"sweep: dispatch to agent %s \(%s\) failed: 17(07|50) \("
                             % (agent_id, names[agent_id]))

    def test_an_api_out_of_reach_exits_1_with_an_error(self):
        self.start(make_fleet(2, seed=1))
        cfg = self.config(api_url="https://127.0.0.1:1")
        p = self.sweep("--config", cfg)
        self.assertEqual(p.returncode, 1)
        s = self.summary(p, error=True)
        self.assertTrue(s["error"])
        self.assertEqual((s["dispatched"], s["agents_listed"]), (0, 0))

    def test_requests_per_agent_are_one_and_one_per_policy(self):
        """An agent with two SCA policies (a Windows 11 host runs the
        Windows 11 and the Windows 10 policy) costs three requests, one
        with a single policy two, one without SCA results one."""
        fleet = make_fleet(40, seed=17)
        two = set()
        for a in fleet["agents"]:
            if a.get("sca") and len(two) < 10:
                other = json.loads(json.dumps(a["sca"][0]))
                other["policy_id"], other["name"] = "cis_other", "Another policy"
                for c in other["checks"]:
                    c["policy_id"], c["result"] = "cis_other", "passed"
                a["sca"].insert(0, other)  # asked first: our check is in the second
                two.add(a["id"])
        self.start(fleet)
        p = self.sweep("--config", self.config())
        s = self.summary(p)
        per_agent = {}
        for r in self.made():
            if r["path"].startswith("/sca/"):
                agent = r["path"].split("?")[0].split("/")[2]
                per_agent[agent] = per_agent.get(agent, 0) + 1
        agents = {a["id"]: a for a in self.fleet["agents"]}
        self.assertTrue(two & set(per_agent))
        for agent, n in per_agent.items():
            policies = len(agents[agent].get("sca", []))
            self.assertEqual(n, 1 + policies, agent)
        self.assertTrue(any(not agents[a].get("sca") for a in per_agent))
        self.assertEqual(s["requests"], len(self.made()))

    def test_the_rate_as_wazuh_spells_it(self):
        self.start(make_fleet(10, seed=2))
        cfg = self.config(max_requests_per_minute=None)
        with open(cfg, encoding="utf-8") as f:
            body = json.load(f)
        body.pop("max_requests_per_minute")
        body["max_request_per_minute"] = 777
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump(body, f)
        p = self.sweep("--config", cfg, "--dry-run")
        self.summary(p, dry_run=True)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn("at most 777 requests a minute", p.stderr.decode())

    def listings(self):
        return [r for r in self.made() if r["method"] == "GET" and
                r["path"].startswith("/agents")]

    def test_repeated_pages_under_a_huge_total_end(self):
        """A billion agents announced, the same page served whatever the
        offset: the second page brings nothing new and the listing ends."""
        self.start(make_fleet(30, seed=4))
        self.server.set_mode("repeat-pages")
        p = self.sweep("--config", self.config(), "--dry-run", timeout=120)
        s = self.summary(p, dry_run=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.listings()), 2)
        listed = [a for a in self.fleet["agents"] if a["status"] == "active" and
                  a.get("os", {}).get("platform") == "windows"]
        self.assertEqual(s["agents_listed"], len(listed))

    def test_pages_bounded_by_the_first_total(self):
        """The first page says 600 agents, the later ones a billion, each
        bringing 500 agents never seen: two pages, as the first total says."""
        self.start(make_fleet(2, seed=4))
        self.server.set_mode("endless-agents=600")
        p = self.sweep("--config", self.config(), "--dry-run", timeout=240)
        s = self.summary(p, dry_run=True)
        self.assertEqual(len(self.listings()), 2, p.stderr)
        self.assertEqual(s["agents_listed"], 1000)

    def test_a_sweep_stops_at_its_time_limit(self):
        """An API that never stops listing new agents: the sweep stops at
        time_limit_seconds, says so, and exits 1 (resumable)."""
        self.start(make_fleet(2, seed=4))
        self.server.set_mode("endless-agents=1000000000")
        start = time.monotonic()
        p = self.sweep("--config", self.config(time_limit_seconds=4), timeout=120)
        took = time.monotonic() - start
        s = self.summary(p, error=True)
        self.assertIn("time_limit_seconds", s["error"])
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("time limit of 4 s (time_limit_seconds) is up", p.stderr.decode())
        # Not a benchmark: the limit and one request's timeout, not more.
        self.assertLess(took, 4 + 10 + 5)
        last = max(r["time"] for r in self.made())
        self.assertLess(last - min(r["time"] for r in self.made()), 4 + 10)

    def test_an_agent_with_hundreds_of_policies_is_not_walked(self):
        """One agent reporting 300 policies costs one request: it is
        skipped (too_many_policies) and the others are swept as usual."""
        fleet = make_fleet(30, seed=12)
        failing, refused = expected(fleet)
        hog = next(a for a in fleet["agents"] if a["id"] == sorted(failing - refused)[0])
        for i in range(299):
            hog["sca"].append({"policy_id": "extra_%03d" % i, "name": "Extra %d" % i,
                               "checks": []})
        self.start(fleet)
        p = self.sweep("--config", self.config())
        s = self.summary(p)
        asked = [r for r in self.made() if r["path"].startswith("/sca/%s" % hog["id"])]
        self.assertEqual(len(asked), 1, [r["path"] for r in asked])
        self.assertEqual(s["skipped"].get("too_many_policies"), 1)
        self.assertEqual(set(self.delivered()), failing - refused - {hog["id"]})

    def test_hostile_answers_cost_bounded_memory(self):
        """16 MiB of [0,0,...] for the listing (with a length, and chunked),
        a listing nested a million deep, and a checks page under its byte
        cap but of two million values: each refused before it is parsed,
        the sweep's peak memory under 64 MiB."""
        self.start(make_fleet(5, seed=3))
        cfg = self.config()
        big = 16 * 1024 * 1024
        for mode, status in (("huge=%d" % big, 1), ("huge-chunked=%d" % big, 1),
                             ("deep=1000000", 1), ("huge=4000000@/checks/", 0)):
            with self.subTest(mode=mode):
                self.server.set_mode(mode)
                code, out, err, peak, secs = run_measured([SWEEP, "--config", cfg, "--dry-run"])
                self.outputs += [out, err]
                print("%s: peak %.1f MiB, %.2f s" % (mode, peak / 2 ** 20, secs),
                      file=sys.stderr)
                self.assertEqual(code, status, err)
                self.assertLess(peak, MEMORY_CAP, err)
                if status:
                    self.assertIn(b"listing agents", err)

    def test_no_proxy_but_the_configured_one(self):
        """https_proxy and ALL_PROXY point at a listening proxy: unused; with
        api.proxy naming it, a tunnel through it."""
        self.start(make_fleet(5, seed=1))
        proxy = RecordingProxy()
        self.addCleanup(proxy.close)
        env = dict(os.environ, **proxy.env())
        for proxied in (False, True):
            want = [b"CONNECT 127.0.0.1:%d HTTP/1.1" % self.server.port] if proxied else []
            cfg = self.config(api_proxy=proxy.url) if proxied else self.config()
            code, out, err, _, _ = run_measured([SWEEP, "--config", cfg, "--dry-run"], env=env)
            self.outputs += [out, err]
            self.assertEqual(code, 0, err)
            self.assertEqual(sorted(set(proxy.seen())), want)

    def test_example_configuration_matches_the_schema(self):
        v = schema("sweep-config.schema.json")
        with open(os.path.join(ROOT, "packaging", "wazuh", "sweep-config.example.json"),
                  encoding="utf-8") as f:
            example = json.load(f)
        self.assertTrue(v.is_valid(example))
        for bad in ({"max_requests_per_minute": 0}, {"extra": 1}, {"command": ""},
                    {"ossec_conf": ""}, {"max_request_per_minute": 0},
                    {"max_request_per_minute": 100, "max_requests_per_minute": 100}):
            self.assertFalse(v.is_valid(dict(example, **bad)), bad)
        good = {k: v for k, v in example.items() if k != "max_requests_per_minute"}
        self.assertTrue(v.is_valid(dict(good, max_request_per_minute=300,
                                        ossec_conf="/var/ossec/etc/ossec.conf")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
