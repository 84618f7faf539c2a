"""The bad-input table (tests/data/bad/cases.json): every case gives its exit
status and message on standard error and in the log's one result line, and
writes nothing: the .reg registry unchanged byte for byte, no backup, no
temporary file left beside it."""

import json
import os
import subprocess
import unittest

from arprog import Workdir, assert_bounded, data

with open(data("bad", "cases.json"), encoding="utf-8") as f:
    CASES = json.load(f)["cases"]


def stdin_of(case):
    if "input_hex" in case:
        return bytes.fromhex(case["input_hex"])
    if "generate" in case:
        g = case["generate"]
        return (g["prefix"] + g["repeat"] * g["times"] + g.get("close", "") * g["times"] +
                g["suffix"]).encode()
    return case["input"].encode()


class BadInputs(unittest.TestCase):
    def test_table_is_large_enough(self):
        self.assertGreaterEqual(len(CASES), 40)
        self.assertEqual(len({c["name"] for c in CASES}), len(CASES), "names repeat")

    def test_table_exit_and_status_agree(self):
        by_status = {"invalid_input": 2, "failed": 1, "not_applicable": 3}
        for case in CASES:
            with self.subTest(case=case["name"]):
                self.assertEqual(by_status[case["status"]], case["exit"])

    def test_every_case(self):
        for case in CASES:
            with self.subTest(case=case["name"]):
                self.run_case(case)

    def run_case(self, case):
        w = Workdir(case.get("registry") if "registry_hex" not in case else None)
        try:
            if "registry_hex" in case:
                with open(w.reg, "wb") as f:
                    f.write(bytes.fromhex(case["registry_hex"]))
            before = w.reg_bytes()
            args = list(case.get("args", []))
            if "restore_hex" in case:
                restore = os.path.join(w.dir, "restore.reg")
                with open(restore, "wb") as f:
                    f.write(bytes.fromhex(case["restore_hex"]))
                args = [restore if a == "@RESTORE@" else a for a in args]
            stdin = stdin_of(case) + case.get("reply", "").encode()
            p = subprocess.run(w.args(*args), input=stdin, capture_output=True, timeout=60,
                               check=False)
            err = p.stderr.decode("utf-8", "replace")
            self.assertEqual(p.returncode, case["exit"], err[:2000])
            self.assertIn(case["message"], err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
            assert_bounded(self, p.stdout, p.stderr, w.log)
            # The log: one line, the result, saying the same.
            records = w.log_records()
            self.assertEqual(len(records), 1, records)
            self.assertEqual(records[0]["status"], case["status"])
            field = "reason" if case["status"] == "not_applicable" else "error"
            self.assertIn(case["message"], records[0].get(field, ""))
            # Nothing written: the registry, the backups, no stray files.
            self.assertEqual(w.reg_bytes(), before)
            self.assertEqual(w.backup_files(), [])
            self.assertEqual([n for n in os.listdir(w.dir) if ".tmp" in n], [])
            # Standard output holds nothing but the handshake, if any.
            for line in p.stdout.decode().splitlines():
                self.assertEqual(json.loads(line)["command"], "check_keys")
        finally:
            w.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
