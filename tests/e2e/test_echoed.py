"""Fields from the alert, as the program echoes them (the log line, standard
error), end to end on the native build: cut on a character boundary, never
in the middle of a UTF-8 character, and free of control characters, C0 (ESC)
and C1 (CSI, U+009B) alike. Each log line decodes as strict UTF-8, parses as
JSON and matches the result schema."""

import json
import unittest

from arprog import Workdir, log_schema_errors, message

# A control sequence in each form: C1 CSI, C0 ESC, BEL.
CONTROLS = "\u009b31m\u001b[2J\u0007"
# Two-byte characters after one ASCII byte: any cut by bytes at an even
# count (%.32s, %.64s) falls in the middle of one.
WIDE = "x" + "\u00e9" * 200


def is_control(c):
    return ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f


class Echoed(unittest.TestCase):
    def setUp(self):
        self.w = Workdir("value_0_utf16.reg")

    def tearDown(self):
        self.w.cleanup()

    def run_with(self, change):
        msg = json.loads(message("ours_26032_failed.json"))
        change(msg)
        p = self.w.run(json.dumps(msg).encode("utf-8"), timeout=30)
        self.assertLess(p.returncode, 16, p.stderr)
        return p

    def assert_echoed_safely(self, p):
        err = p.stderr.decode("utf-8")  # strict: raises on half a character
        self.assertFalse([c for c in err.rstrip("\n") if is_control(c)], repr(err))
        with open(self.w.log, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
        self.assertTrue(text)
        for line in text.splitlines():
            self.assertFalse([c for c in line if is_control(c)], repr(line))
            record = json.loads(line.split(": ", 1)[1])
            for value in walk(record):
                self.assertFalse([c for c in value if is_control(c)], repr(value))
        self.assertEqual(log_schema_errors(self.w.log), "")
        return err, [json.loads(l.split(": ", 1)[1]) for l in text.splitlines()]

    def test_names_with_wide_characters_and_controls(self):
        def change(m):
            alert = m["parameters"]["alert"]
            alert["agent"]["name"] = CONTROLS + WIDE
            alert["data"]["sca"]["policy"] = WIDE + CONTROLS
        p = self.run_with(change)
        self.assertEqual(p.returncode, 0, p.stderr)
        _, records = self.assert_echoed_safely(p)
        result = records[0]
        self.assertEqual(result["status"], "remediated")
        # Cut at 256 bytes with the mark, the controls shown escaped.
        self.assertTrue(result["policy"].endswith("[...]"), result["policy"])
        self.assertLessEqual(len(result["policy"].encode("utf-8")), 256)
        self.assertTrue(result["agent_name"].startswith("\\u009b31m\\x1b[2J\\x07x"),
                        result["agent_name"])

    def test_a_type_cut_in_a_message(self):
        def change(m):
            m["parameters"]["alert"]["data"]["sca"]["type"] = WIDE + CONTROLS
        p = self.run_with(change)
        err, records = self.assert_echoed_safely(p)
        self.assertEqual(records[0]["status"], "not_applicable")
        self.assertIn("not a check result (type x\u00e9", err)

    def test_a_result_with_controls_in_a_message(self):
        def change(m):
            m["parameters"]["alert"]["data"]["sca"]["check"]["result"] = CONTROLS + WIDE
        p = self.run_with(change)
        err, records = self.assert_echoed_safely(p)
        self.assertEqual(records[0]["status"], "not_applicable")
        self.assertIn('result is "\\u009b31m\\x1b[2J\\x07x\u00e9', err)

    def test_an_unknown_command_cut_in_a_message(self):
        def change(m):
            m["command"] = WIDE + CONTROLS
        p = self.run_with(change)
        self.assertEqual(p.returncode, 2, p.stderr)
        err, records = self.assert_echoed_safely(p)
        self.assertEqual(records[0]["status"], "invalid_input")
        self.assertIn('unknown command "x\u00e9', err)


def walk(value):
    """Every string in a decoded JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


if __name__ == "__main__":
    unittest.main(verbosity=2)
