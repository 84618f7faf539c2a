"""The example reporting configuration of packaging/wazuh against the
configuration schema. The rules and the ossec.conf block are judged by the
real wazuh-analysisd in tests/wazuh/test_manager.py."""

import json
import os
import unittest

from jsonschema import Draft202012Validator

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
WAZUH = os.path.join(ROOT, "packaging", "wazuh")


class WazuhFiles(unittest.TestCase):
    def test_example_config_matches_schema(self):
        with open(os.path.join(ROOT, "schemas", "report-config.schema.json"),
                  encoding="utf-8") as f:
            v = Draft202012Validator(json.load(f))
        with open(os.path.join(WAZUH, "report-config.example.json"), encoding="utf-8") as f:
            example = json.load(f)
        self.assertTrue(v.is_valid(example))
        bad = json.loads(json.dumps(example))
        bad["api"]["passwrd"] = "x"
        self.assertFalse(v.is_valid(bad))
        both = json.loads(json.dumps(example))
        both["api"]["password"] = "x"
        self.assertFalse(v.is_valid(both))


if __name__ == "__main__":
    unittest.main(verbosity=2)
