"""One table of cases, run for both message shapes: Wazuh 4.x (version,
origin, parameters.alert) and 5.x (the finding at the root, a wazuh object,
enable/disable). The same case must give the same outcome in both."""

import json
import unittest

from arprog import Workdir, message, reg_value

# case: (4.x sample, 5.x sample, exit status, result status, value after)
CASES = {
    "ours": ("ours_26032_failed.json", "v5/ours_26032_enable.json", 0, "remediated", 1),
    "twin 2016": ("ours_16027_win2016.json", "v5/ours_16027_win2016.json", 0, "remediated", 1),
    "HKLM spelling": ("ours_26032_hklm.json", "v5/ours_26032_hklm_rule.json", 0, "remediated", 1),
    "dry run": ("ours_26032_dry_run.json", "v5/ours_26032_dry_run.json", 4, "would_remediate", 0),
    "timeout over": ("ours_26032_delete.json", "v5/ours_26032_disable.json", 0, "kept", 0),
    "passed": ("notours_passed.json", "v5/notours_passed.json", 3, "not_applicable", 0),
    "other check": ("notours_other_check.json", "v5/notours_other_check.json", 3,
                    "not_applicable", 0),
    "not SCA": ("notours_not_sca.json", "v5/notours_not_sca.json", 3, "not_applicable", 0),
    "trap 16031": ("notours_trap_16031.json", "v5/notours_trap_16031.json", 3,
                   "not_applicable", 0),
    "wrong key": ("notours_wrong_registry.json", "v5/notours_wrong_rules.json", 3,
                  "not_applicable", 0),
    "unknown command": ("bad_unknown_command.json", "v5/bad_unknown_command.json", 2,
                        "invalid_input", 0),
}
V5_ONLY = {
    "result in another case": ("v5/ours_26032_result_case.json", 0, "remediated", 1),
    "not run": ("v5/notours_not_run.json", 3, "not_applicable", 0),
    "policy of another row": ("v5/notours_wrong_policy.json", 3, "not_applicable", 0),
    "no wazuh object": ("v5/bad_no_wazuh_object.json", 2, "invalid_input", 0),
    "extra_arguments not a string": ("v5/bad_extra_arguments_not_string.json", 2,
                                     "invalid_input", 0),
    "active_response not an object": ("v5/bad_active_response_not_object.json", 2,
                                      "invalid_input", 0),
}


class Shapes(unittest.TestCase):
    def outcome(self, sample):
        w = Workdir("value_0_utf16.reg")
        try:
            p = w.run(message(sample))
            result = w.result()
            value = reg_value(w.reg_bytes())[0]
            lines = p.stdout.decode().splitlines()
            for line in lines:
                self.assertEqual(json.loads(line)["command"], "check_keys")
            return p.returncode, result["status"], value[1] if value else None, len(lines)
        finally:
            w.cleanup()

    def test_both_shapes_agree(self):
        for name, (v4, v5, code, status, value) in CASES.items():
            with self.subTest(case=name):
                got4 = self.outcome(v4)
                got5 = self.outcome(v5)
                self.assertEqual(got4[:3], (code, status, value), (name, "4.x"))
                self.assertEqual(got5, got4, (name, "5.x differs from 4.x"))

    def test_v5_only(self):
        for name, (sample, code, status, value) in V5_ONLY.items():
            with self.subTest(case=name):
                self.assertEqual(self.outcome(sample)[:3], (code, status, value))

    def test_v5_result_names_agent_and_policy(self):
        w = Workdir("value_0_utf16.reg")
        try:
            w.run(message("v5/ours_26032_enable.json"))
            r = w.result()
            self.assertEqual((r["agent_id"], r["agent_name"], r["command"]),
                             ("001", "win11-ws01", "enable"))
            self.assertTrue(r["policy"].startswith("CIS Microsoft Windows 11 Enterprise"))
        finally:
            w.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
