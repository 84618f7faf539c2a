"""The built program on every check of every Wazuh release's Windows SCA
policies (4.0 - 4.14 and 5.0, the table in tests/data/sca), each as the
message the agents of its era receive: our control remediated (the .reg file
read back holds EnableSecuritySignature = dword 1), every other check refused
(exit 3, a not_applicable result, the registry file untouched, no backup).

Each distinct message runs once; runs go in parallel, one folder per worker."""

import concurrent.futures
import os
import shutil
import threading
import unittest

from arprog import Workdir, reg_value
from sca_table import Table, distinct_messages


def one_line(p):
    """Standard error holds the one line for a person, and nothing else (a
    sanitizer's report would be more)."""
    return len(p.stderr.decode("utf-8", "replace").strip().splitlines()) == 1


class Runner:
    """One agent-like folder per worker thread, reused for every refusal
    (nothing may change in it); a fresh one for each remediation."""

    def __init__(self):
        self.local = threading.local()
        self.lock = threading.Lock()
        self.folders = []

    def folder(self):
        w = getattr(self.local, "w", None)
        if w is None:
            w = self.local.w = Workdir("value_0_utf16.reg")
            self.local.before = w.reg_bytes()
            with self.lock:
                self.folders.append(w)
        return w

    def refused(self, msg, label):
        w = self.folder()
        p = w.run(msg, timeout=120)
        result = w.result()
        if os.path.exists(w.log):
            os.remove(w.log)
        if w.reg_bytes() != self.local.before or w.backup_files():
            # Put the folder back, so that one wrong write is one failure.
            with open(w.reg, "wb") as f:
                f.write(self.local.before)
            shutil.rmtree(w.backups, ignore_errors=True)
            return "%s: the registry file or a backup was written" % label
        if p.returncode != 3 or not one_line(p):
            return "%s: exit %d, not 3: %s" % (label, p.returncode, p.stderr.decode()[:300])
        if result is None or result.get("status") != "not_applicable":
            return "%s: result %r" % (label, result)
        return None

    def remediated(self, msg, label):
        w = Workdir("value_0_utf16.reg")
        try:
            p = w.run(msg, timeout=120)
            result = w.result()
            value = reg_value(w.reg_bytes())[0]
            if p.returncode != 0 or not one_line(p):
                return "%s: exit %d: %s" % (label, p.returncode, p.stderr.decode()[:300])
            if value != ("dword", 1):
                return "%s: EnableSecuritySignature is %r after the run" % (label, value)
            if result is None or result.get("status") != "remediated":
                return "%s: result %r" % (label, result)
            if len(w.backup_files()) != 1:
                return "%s: %d backups" % (label, len(w.backup_files()))
            return None
        finally:
            w.cleanup()

    def run(self, case):
        msg, ours, label = case
        return self.remediated(msg, label) if ours else self.refused(msg, label)

    def cleanup(self):
        for w in self.folders:
            w.cleanup()


class EveryRelease(unittest.TestCase):
    def test_ours_remediated_all_others_refused(self):
        table = Table()
        cases = distinct_messages(table)
        ours = [c for c in cases if c[1]]
        forms = {c[2].split(" cis_")[0].split(" sca_")[0] for c in ours}
        # Our control in 4.x alerts (plain and escaped) and 5.x (list, pieces).
        self.assertEqual(forms, {"4.x", "4.2.0-4.2.4", "5.x", "5.0 rules in pieces"}, forms)
        self.assertGreaterEqual(len(ours), 10)
        self.assertGreater(len(cases) - len(ours), 3000)
        runner = Runner()
        self.addCleanup(runner.cleanup)
        workers = max(2, min(8, (os.cpu_count() or 2) * 2))
        with concurrent.futures.ThreadPoolExecutor(workers) as ex:
            failures = [f for f in ex.map(runner.run, cases) if f]
        print("%d messages (%d of our control), %d workers" % (len(cases), len(ours), workers))
        self.assertEqual(failures[:20], [], "%d of %d failed" % (len(failures), len(cases)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
