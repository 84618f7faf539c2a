"""The history between runs, end to end on the native build: a simulated
domain Group Policy (the value put back in the .reg file between runs) gives
revert warnings, then the contested status; the setting not to write when
contested; a history file corrupted, truncated or huge is ignored with a
warning; the history an older version kept beside the backups folder is
taken over on upgrade (never through a link); runs started together record
one revert; every log line matches the result schema. The manager-side rules on these results are judged by
the real analysisd in tests/wazuh/test_manager.py."""

import json
import os
import shutil
import subprocess
import time
import unittest
from datetime import datetime, timedelta, timezone

from jsonschema import Draft202012Validator

from arprog import PROGRAM, Workdir, data, log_schema_errors, message, program, reg_value

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ZERO = {"exists": True, "type": "REG_DWORD", "data": 0}
ONE = {"exists": True, "type": "REG_DWORD", "data": 1}


class Base(unittest.TestCase):
    def setUp(self):
        self.w = Workdir("value_0_utf16.reg")
        self.history = os.path.join(self.w.backups, PROGRAM + "-history.json")

    def tearDown(self):
        self.assertEqual(log_schema_errors(self.w.log), "")
        self.w.cleanup()

    def group_policy(self):
        """What a GPO refresh does: the value back at 0."""
        shutil.copyfile(data("registry", "value_0_utf16.reg"), self.w.reg)

    def install(self):
        """The program in an agent's layout, logging where the agent does:
        run_once then runs it so, without --log-file. Returns the folder of
        the agent's log."""
        agent = os.path.join(self.w.dir, "agent")
        self.exe = os.path.join(agent, "active-response", "bin", PROGRAM)
        os.makedirs(os.path.dirname(self.exe))
        shutil.copy2(program(), self.exe)
        self.w.log = os.path.join(agent, "logs", "active-responses.log")
        return os.path.dirname(self.w.log)

    def run_once(self, *extra):
        """One run; returns (exit status, result record, warnings it logged)."""
        before = len(self.w.log_records())
        if getattr(self, "exe", None):
            p = subprocess.run([self.exe, "--registry-file", self.w.reg, *extra],
                               input=message("ours_26032_failed.json"), capture_output=True,
                               timeout=30, check=False)
        else:
            p = self.w.run(message("ours_26032_failed.json"), *extra)
        new = self.w.log_records()[before:]
        results = [r for r in new if "warning" not in r]
        self.assertEqual(len(results), 1, new)
        # Every warning line has a status of its own, for the manager's rule.
        for r in new:
            if "warning" in r:
                self.assertEqual(sorted(r), ["program", "status", "warning"], r)
                self.assertEqual(r["status"], "warning", r)
        return p.returncode, results[0], [r["warning"] for r in new if "warning" in r]

    def value(self):
        return reg_value(self.w.reg_bytes())[0]

    def events(self):
        with open(self.history, encoding="utf-8") as f:
            return [e["event"] for e in json.load(f)["events"]]

    def config(self, history):
        # Reporting to a port where nothing listens: kept, warned, never fatal.
        cfg = {"api": {"url": "http://127.0.0.1:9", "user": "u", "password": "p",
                       "allow_plain_http": True, "timeout_seconds": 1},
               "history": history}
        with open(os.path.join(ROOT, "schemas", "report-config.schema.json"),
                  encoding="utf-8") as f:
            valid = Draft202012Validator(json.load(f)).is_valid(cfg)
        self.assertEqual(valid, set(history) <= {"revert_threshold", "revert_window_days",
                                                 "write_when_contested"})
        path = os.path.join(self.w.dir, "config.json")
        # It holds a password: readable by its owner only, or it is refused.
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                  encoding="utf-8") as f:
            json.dump(cfg, f)
        return path


class Reverts(Base):
    def test_reverts_then_contested(self):
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"]), (0, "remediated"))
        self.assertNotIn("reverted", r)
        self.assertEqual(warnings, [])
        first_set = datetime.now(timezone.utc)
        for n in range(1, 5):
            self.group_policy()
            code, r, warnings = self.run_once()
            self.assertEqual(code, 0)
            self.assertEqual(r["status"], "remediated" if n < 3 else "contested", r)
            self.assertEqual(self.value(), ("dword", 1))
            self.assertEqual(r["after"], ONE)
            self.assertTrue(os.path.exists(r["backup"]))
            rev = r["reverted"]
            self.assertEqual((rev["count"], rev["window_days"], rev["found"]), (n, 7, ZERO))
            last_set = datetime.strptime(rev["last_set"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=timezone.utc)
            self.assertLess(abs(last_set - first_set), timedelta(minutes=5))
            self.assertEqual(len(warnings), 1, warnings)
            self.assertIn("changed back %d time" % n, warnings[0])
            self.assertIn("Group Policy", warnings[0])
            self.assertIn("fix that GPO or exempt this host", warnings[0])
            if n >= 3:
                self.assertIn("contested and was written again", warnings[0])
        self.assertEqual(self.events(), ["set"] + ["revert", "set"] * 4)
        # Compliant now: nothing recorded, nothing said.
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"], warnings), (0, "compliant", []))
        self.assertEqual(len(self.events()), 9)

    def test_contested_without_writing(self):
        cfg = self.config({"revert_threshold": 2, "write_when_contested": False})
        for n in range(2):  # the set, then revert 1
            if n:
                self.group_policy()
            code, r, _ = self.run_once("--config", cfg)
            self.assertEqual((code, r["status"]), (0, "remediated"), r)
        self.group_policy()
        backups = len(self.w.backup_files())
        code, r, warnings = self.run_once("--config", cfg)
        self.assertEqual((code, r["status"]), (1, "contested"), r)
        self.assertIsNone(r["after"])
        self.assertNotIn("backup", r)
        self.assertIn("not written", r["reason"])
        self.assertEqual(r["reverted"]["count"], 2)
        self.assertEqual(self.value(), ("dword", 0))
        self.assertEqual(len(self.w.backup_files()), backups)
        self.assertTrue(any("was not written again" in w for w in warnings), warnings)
        # Still contested, and still nothing written, on the next run.
        code, r, _ = self.run_once("--config", cfg)
        self.assertEqual((code, r["status"], self.value()), (1, "contested", ("dword", 0)))

    def test_default_configuration_beside_the_log(self):
        # Wazuh passes no option: the file of this name beside the agent's
        # log is read; without "api" it only tunes the history, sending
        # nothing.
        logs = self.install()
        os.makedirs(logs)
        path = os.path.join(logs, PROGRAM + ".config.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"history": {"revert_threshold": 1, "write_when_contested": False}}, f)
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"], warnings), (0, "remediated", []))
        self.group_policy()
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"], self.value()), (1, "contested", ("dword", 0)))
        self.assertFalse(any("report" in w or "configuration" in w for w in warnings), warnings)
        self.assertFalse(os.path.exists(os.path.join(logs, PROGRAM + "-spool")))

    def test_unreadable_default_configuration_is_a_warning(self):
        logs = self.install()
        os.makedirs(logs)
        path = os.path.join(logs, PROGRAM + ".config.json")
        os.mkdir(path)  # a folder where the file should be
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"]), (0, "remediated"))
        self.assertTrue(any(w.startswith("configuration " + path) and
                            "history uses its defaults" in w for w in warnings), warnings)

    def test_bad_history_settings_warn_and_keep_defaults(self):
        cfg = self.config({"revert_treshold": 1})
        code, r, warnings = self.run_once("--config", cfg)
        self.assertEqual((code, r["status"]), (0, "remediated"))
        self.assertTrue(any("unknown key history.revert_treshold" in w for w in warnings),
                        warnings)

    def test_dry_run_reads_the_history_and_writes_none(self):
        self.run_once()
        self.group_policy()
        with open(self.history, "rb") as f:
            before = f.read()
        code, r, warnings = self.run_once("--dry-run")
        self.assertEqual((code, r["status"], r["reverted"]["count"]), (4, "would_remediate", 1))
        self.assertEqual(len(warnings), 1)
        with open(self.history, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_restore_is_not_a_revert(self):
        _, r, _ = self.run_once()
        p = subprocess.run(self.w.args("--restore", r["backup"]), capture_output=True,
                           stdin=subprocess.DEVNULL, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.value(), ("dword", 0))
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"], warnings), (0, "remediated", []))
        self.assertNotIn("reverted", r)
        self.assertEqual(self.events(), ["set", "restore", "set"])


class UnusableHistory(Base):
    def check_ignored(self, content):
        os.makedirs(self.w.backups, 0o700, exist_ok=True)
        with open(self.history, "wb") as f:
            f.write(content)
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"]), (0, "remediated"))
        self.assertEqual(self.value(), ("dword", 1))
        self.assertNotIn("reverted", r)
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("ignored and started anew", warnings[0])
        self.assertIn(self.history, warnings[0])
        self.assertEqual(self.events(), ["set"])  # replaced by a good one

    def real_history(self):
        self.run_once()
        self.group_policy()
        with open(self.history, "rb") as f:
            text = f.read()
        self.assertGreater(len(text), 40)
        return text

    def test_corrupted(self):
        text = bytearray(self.real_history())
        for i in range(5, len(text), 7):
            text[i] = 0xA5
        self.check_ignored(bytes(text))

    def test_truncated(self):
        text = self.real_history()
        self.check_ignored(text[:len(text) // 2])

    def test_empty(self):
        self.check_ignored(b"")

    def test_huge(self):
        event = b'{"time":1,"event":"set"},'
        self.check_ignored(b'{"format":1,"events":[' + event * 4000 + b'{"time":1,"event":"set"}]}')


class Upgrade(Base):
    """An agent upgraded from the version that kept the history in the
    agent's backup folder, beside this program's backups folder."""

    def setUp(self):
        super().setUp()
        agent = os.path.join(self.install(), "..")
        self.old_dir = os.path.normpath(os.path.join(agent, "backup"))
        self.old = os.path.join(self.old_dir, PROGRAM + "-history.json")
        self.history = os.path.join(self.old_dir, PROGRAM, PROGRAM + "-history.json")
        os.makedirs(self.old_dir, 0o700)

    def plant(self, path):
        """That version's history: a revert two hours ago, the value set
        again an hour ago."""
        now = int(time.time())
        self.last_set = now - 3600
        events = [{"time": now - 7200, "event": "set"}, {"time": now - 7100, "event": "revert"},
                  {"time": self.last_set, "event": "set"}]
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w",
                  encoding="utf-8") as f:
            json.dump({"format": 1, "program": PROGRAM, "events": events}, f)

    def test_the_revert_count_goes_on(self):
        self.plant(self.old)
        with open(os.path.join(self.old_dir, PROGRAM + "-history.lock"), "wb"):
            pass
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"], self.value()), (0, "remediated", ("dword", 1)))
        self.assertEqual(r["reverted"]["count"], 2, r)
        self.assertEqual(r["reverted"]["last_set"],
                         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.last_set)))
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("changed back 2 times", warnings[0])
        self.assertEqual(self.events(), ["set", "revert", "set", "revert", "set"])
        self.assertEqual(sorted(os.listdir(self.old_dir)), [PROGRAM])
        # The next revert counts on from there.
        self.group_policy()
        code, r, _ = self.run_once()
        self.assertEqual((code, r["status"], r["reverted"]["count"]), (0, "contested", 3))

    def test_a_link_in_the_old_place_is_not_followed(self):
        target = os.path.join(self.w.dir, "elsewhere.json")
        self.plant(target)
        os.symlink(target, self.old)
        code, r, warnings = self.run_once()
        self.assertEqual((code, r["status"]), (0, "remediated"))
        self.assertNotIn("reverted", r)
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("history " + self.old + " of an older version left where it is",
                      warnings[0])
        self.assertIn("not followed", warnings[0])
        self.assertTrue(os.path.islink(self.old))
        self.assertEqual(self.events(), ["set"])


class Concurrency(Base):
    def test_runs_started_together_record_one_revert(self):
        self.run_once()
        self.group_policy()
        procs = [subprocess.Popen(self.w.args(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(6)]
        for p in procs:
            p.stdin.write(message("ours_26032_failed.json"))
            p.stdin.close()
        for p in procs:
            p.wait(timeout=60)
            p.stdout.close()
            p.stderr.close()
            self.assertEqual(p.returncode, 0)
        results = [r for r in self.w.log_records() if "warning" not in r][1:]
        self.assertEqual(len(results), 6)
        statuses = sorted(r["status"] for r in results)
        self.assertEqual(statuses, ["compliant"] * 5 + ["remediated"], results)
        self.assertEqual([r["reverted"]["count"] for r in results if "reverted" in r], [1])
        self.assertEqual(self.events(), ["set", "revert", "set"])
        self.assertEqual(self.value(), ("dword", 1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
