"""The sweep and the reporter against a real Wazuh server API (4.x) handed
to the suite (given_api.py: WAZUH_API_URL, WAZUH_API_USER,
WAZUH_API_PASSWORD_FILE, WAZUH_API_CA), each with an API user of its own
made by api-user.sh for this run and removed after it: a sweep dry run
lists the agents and reads the SCA checks of the active Windows ones,
sending nothing to them; a report of the active response reaches
POST /events (one event added to the manager) and leaves the spool empty.
Without WAZUH_API_URL it prints one line saying it skipped."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from arprog import Workdir, data, message  # noqa: E402
from given_api import given, say_skipped  # noqa: E402
from test_api_user import NEW_PASSWORD, SWEEP, run_script, write_secret  # noqa: E402

GIVEN = given()


@unittest.skipIf(GIVEN is None, "no WAZUH_API_URL given")
class GivenApiTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ar-given-api-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.pwfile = write_secret(self.dir, "user.secret", NEW_PASSWORD)

    def api_user(self, kind):
        """A user of this run's own (removed when the test ends)."""
        user = "ar-test-%d-%s" % (os.getpid(), kind)
        args = ["--sweep"] if kind == "sweep" else []
        env = dict(GIVEN.env(), REPORT_USER=user, SWEEP_USER=user)
        self.addCleanup(run_script, env, GIVEN.password(), args + ["--remove"])
        code, output = run_script(env, GIVEN.password(), args, self.pwfile)
        self.assertEqual(code, 0, output)
        return user

    def api_block(self, user):
        api = {"url": GIVEN.url, "user": user, "password_file": self.pwfile,
               "timeout_seconds": 30}
        if GIVEN.ca:
            api["ca_file"] = GIVEN.ca
        return api

    def test_sweep_dry_run_lists_agents_and_reads_their_checks(self):
        cfg = os.path.join(self.dir, "sweep.json")
        with open(cfg, "w", encoding="utf-8") as f:
            # The machine running the tests need not be the manager: the
            # block we ship stands for its ossec.conf.
            json.dump({"api": self.api_block(self.api_user("sweep")),
                       "max_requests_per_minute": 60,
                       "ossec_conf": data("ossec_conf", "manager_shipped.conf")}, f)
        p = subprocess.run([SWEEP, "--config", cfg, "--dry-run"], capture_output=True,
                           timeout=1800, check=False)
        output = (p.stdout + p.stderr).decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, output)
        summary = json.loads(p.stdout.decode().strip().splitlines()[-1])
        self.assertEqual(summary["dispatched"], 0, output)
        # The listing and, per active Windows agent of 4.2 or later, its
        # policies and checks: every request answered, none refused.
        self.assertGreaterEqual(summary["requests"], 2, output)
        self.assertNotIn("sweep stopped", output)
        print("sweep dry run on %s: %s" % (GIVEN.url, json.dumps(summary)), file=sys.stderr)

    def test_a_report_reaches_post_events(self):
        w = Workdir("value_0_utf16.reg")
        self.addCleanup(w.cleanup)
        spool = os.path.join(w.dir, "spool")
        cfg = os.path.join(w.dir, "report.json")
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump({"api": self.api_block(self.api_user("report")), "spool_dir": spool}, f)
        p = w.run(message("ours_26032_failed.json"), "--config", cfg, timeout=120)
        output = (p.stdout + p.stderr).decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, output)
        self.assertNotIn("report not sent", output)
        self.assertEqual([n for n in os.listdir(spool) if n.endswith(".event.json")], [],
                         "the event is still in the spool: %s" % output)


if __name__ == "__main__":
    if GIVEN is None:
        say_skipped()
    unittest.main(verbosity=2)
