"""Wazuh 5.x messages end to end, and the same cases in the 4.x shape: one
table, each row naming its sample in either shape, run against the built
program (AR_PROGRAM) with a .reg file for a registry and a log file of its
own. Each run is checked for its exit status, the value left in the .reg
file, standard output (one check_keys line after a valid enable/add, nothing
otherwise) and the status of the last log line."""

import json
import os
import unittest

from arprog import KEY, PROGRAM, VALUE, Workdir, data, message, reg_value

V4, V5 = "4.x", "5.x"

# name: ({shape: sample}, exit status, log status, value after, check_keys lines)
# The value starts at 0; "remediated" leaves 1, anything else leaves the file as it was.
CASES = {
    "failed check 26032": ({V4: "ours_26032_failed.json", V5: "v5/ours_26032_enable.json"},
                           0, "remediated", 1, 1),
    "twin 16027 (Server 2016)": ({V4: "ours_16027_win2016.json",
                                  V5: "v5/ours_16027_win2016.json"}, 0, "remediated", 1, 1),
    "key spelled HKLM": ({V4: "ours_26032_hklm.json", V5: "v5/ours_26032_hklm_rule.json"},
                         0, "remediated", 1, 1),
    "finding as flat dotted keys": ({V5: "v5/ours_26032_dotted.json"}, 0, "remediated", 1, 1),
    "result in lower case": ({V5: "v5/ours_26032_result_case.json"}, 0, "remediated", 1, 1),
    "dry run": ({V4: "ours_26032_dry_run.json", V5: "v5/ours_26032_dry_run.json"},
                4, "would_remediate", 0, 1),
    "timeout over: hardening kept": ({V4: "ours_26032_delete.json",
                                      V5: "v5/ours_26032_disable.json"}, 0, "kept", 0, 0),
    "passed": ({V4: "notours_passed.json", V5: "v5/notours_passed.json"},
               3, "not_applicable", 0, 1),
    "not run": ({V5: "v5/notours_not_run.json"}, 3, "not_applicable", 0, 1),
    "another check": ({V4: "notours_other_check.json", V5: "v5/notours_other_check.json"},
                      3, "not_applicable", 0, 1),
    "not SCA": ({V4: "notours_not_sca.json", V5: "v5/notours_not_sca.json"},
                3, "not_applicable", 0, 1),
    "trap 16031 (server setting, client key)": ({V4: "notours_trap_16031.json",
                                                 V5: "v5/notours_trap_16031.json"},
                                                3, "not_applicable", 0, 1),
    "check id of another policy": ({V5: "v5/notours_wrong_policy.json"},
                                   3, "not_applicable", 0, 1),
    "another registry key": ({V4: "notours_wrong_registry.json",
                              V5: "v5/notours_wrong_rules.json"}, 3, "not_applicable", 0, 1),
    "unknown command": ({V4: "bad_unknown_command.json", V5: "v5/bad_unknown_command.json"},
                        2, "invalid_input", 0, 0),
    "no wazuh object": ({V5: "v5/bad_no_wazuh_object.json"}, 2, "invalid_input", 0, 0),
    "extra_arguments not a string": ({V5: "v5/bad_extra_arguments_not_string.json"},
                                     2, "invalid_input", 0, 0),
    "active_response not an object": ({V5: "v5/bad_active_response_not_object.json"},
                                      2, "invalid_input", 0, 0),
}


def reg_dword(raw):
    """EnableSecuritySignature under KEY, read independently of the program:
    None when absent, the data text when not a dword."""
    found = reg_value(raw)[0]
    if found is None or found[0] == "deleted":
        return None
    return found[1]


class Run:
    """One run of the program in a folder of its own."""

    def __init__(self, stdin):
        self.w = Workdir("value_0_utf16.reg")
        self.reg_before = self.w.reg_bytes()
        self.proc = self.w.run(stdin, timeout=60)
        self.reg_after = self.w.reg_bytes()
        self.records = self.w.log_records()
        self.stdout_lines = self.proc.stdout.decode("utf-8").splitlines()

    def cleanup(self):
        self.w.cleanup()


def with_command(sample, command):
    """The message as execd writes it back after check_keys, command replaced."""
    obj = json.loads(sample)
    obj["command"] = command
    return (json.dumps(obj, separators=(",", ":")) + "\n").encode("utf-8")


class Shapes(unittest.TestCase):
    def run_case(self, sample, stdin=None):
        r = Run(message(sample) if stdin is None else stdin)
        self.addCleanup(r.cleanup)
        return r

    def check_outcome(self, r, code, status, value, keys_lines):
        self.assertEqual(r.proc.returncode, code, r.proc.stderr)
        self.assertTrue(r.records, "nothing logged")
        last = r.records[-1]
        self.assertEqual(last.get("status"), status, last)
        self.assertEqual(last["registry_path"], KEY)
        self.assertEqual(last["value_name"], VALUE)
        self.assertEqual(len([x for x in r.records if "warning" not in x]), 1, r.records)
        self.assertEqual(reg_dword(r.reg_after), value)
        if value == 0:
            self.assertEqual(r.reg_after, r.reg_before, "registry file changed")
        self.assertEqual(len(r.stdout_lines), keys_lines, r.stdout_lines)
        for line in r.stdout_lines:
            self.assertEqual(json.loads(line), {
                "version": 1, "origin": {"name": PROGRAM, "module": "active-response"},
                "command": "check_keys",
                "parameters": {"keys": json.loads(line)["parameters"]["keys"]}})
        self.assertEqual(len(r.proc.stderr.decode().strip().splitlines()), 1)
        return last

    def test_table(self):
        for name, (samples, code, status, value, keys_lines) in CASES.items():
            seen = {}
            for shape, sample in samples.items():
                with self.subTest(case=name, shape=shape):
                    r = self.run_case(sample)
                    last = self.check_outcome(r, code, status, value, keys_lines)
                    seen[shape] = (last.get("check_id"), last.get("agent_id"),
                                   r.stdout_lines)
            if len(seen) == 2:
                with self.subTest(case=name, shape="both"):
                    self.assertEqual(seen[V4], seen[V5], "the shapes disagree")

    def test_abort_reply_in_both_shapes(self):
        for shape, sample in (("4.x", "ours_26032_failed.json"),
                              ("5.x", "v5/ours_26032_enable.json")):
            with self.subTest(shape=shape):
                raw = message(sample)
                r = self.run_case(sample, raw + with_command(raw, "abort"))
                self.check_outcome(r, 3, "aborted", 0, 1)

    def test_continue_reply_in_5x(self):
        raw = message("v5/ours_26032_enable.json")
        r = self.run_case(None, raw + with_command(raw, "continue"))
        last = self.check_outcome(r, 0, "remediated", 1, 1)
        self.assertEqual(json.loads(r.stdout_lines[0])["parameters"]["keys"], ["26032"])
        self.assertEqual(last["check_id"], "26032")
        self.assertEqual(last["agent_id"], "001")
        self.assertEqual(last["before"], {"exists": True, "type": "REG_DWORD", "data": 0})
        self.assertEqual(last["after"], {"exists": True, "type": "REG_DWORD", "data": 1})
        self.assertTrue(os.path.exists(last["backup"]))

    def test_samples_are_one_line(self):
        folder = data("v5")
        for name in sorted(os.listdir(folder)):
            with self.subTest(sample=name):
                raw = message(os.path.join("v5", name))
                self.assertTrue(raw.endswith(b"\n"))
                self.assertNotIn(b"\n", raw[:-1])
                json.loads(raw)

    def test_every_v5_sample_is_in_the_table(self):
        used = {s for samples, *_ in CASES.values() for s in samples.values()}
        for name in sorted(os.listdir(data("v5"))):
            self.assertIn("v5/" + name, used)


if __name__ == "__main__":
    unittest.main(verbosity=2)
