"""The manager-side files in packaging/wazuh: well-formed XML, a dispatch
rule that fires for exactly the checks the program remediates, and an
example configuration that the configuration schema accepts."""

import json
import os
import re
import unittest
import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
WAZUH = os.path.join(ROOT, "packaging", "wazuh")


def rules_tree(name):
    # Wazuh rule files hold several top-level <group> elements.
    with open(os.path.join(WAZUH, name), encoding="utf-8") as f:
        return ET.fromstring("<root>" + f.read() + "</root>")


def table_ids():
    """The check ids of the table in lib/sca_match.c."""
    with open(os.path.join(ROOT, "lib", "sca_match.c"), encoding="utf-8") as f:
        text = f.read()
    return set(re.findall(r'\{\s*"cis_win[^"]*",\s*"[^"]*",\s*"(\d+)",', text))


class WazuhFiles(unittest.TestCase):
    def test_xml_well_formed(self):
        for name in os.listdir(WAZUH):
            if name.endswith(".xml") or name == "ossec.conf":
                with self.subTest(name=name):
                    rules_tree(name)

    def test_dispatch_rule_matches_exactly_our_checks(self):
        tree = rules_tree("local_rules.xml")
        rule = tree.find(".//rule[@id='100550']")
        self.assertIsNotNone(rule)
        self.assertEqual([s.strip() for s in rule.find("if_sid").text.split(",")],
                         ["19007", "19011", "19014"])
        field = rule.find("field[@name='sca.check.id']")
        self.assertEqual(field.get("type"), "pcre2")
        pattern = re.compile(field.text)
        ids = table_ids()
        self.assertEqual(len(ids), 8)
        for cid in ids:
            self.assertTrue(pattern.search(cid), cid)
        for cid in ["16031", "34541", "26031", "260320", "2603", "x26032"]:
            self.assertFalse(pattern.search(cid), cid)

    def test_active_response_wired_to_the_rule(self):
        conf = rules_tree("ossec.conf")
        cmd = conf.find(".//command")
        self.assertEqual(cmd.find("executable").text,
                         "win_ms_network_client_sign_if_server_agrees.exe")
        ar = conf.find(".//active-response")
        self.assertEqual(ar.find("command").text, cmd.find("name").text)
        self.assertEqual(ar.find("rules_id").text, "100550")
        self.assertEqual(ar.find("location").text, "local")

    def test_result_rules_match_our_program(self):
        tree = rules_tree("local_rules.xml")
        for rid in ["100551", "100552", "100553", "100560"]:
            rule = tree.find(".//rule[@id='%s']" % rid)
            prog = rule.find("field[@name='program']").text
            self.assertTrue(re.search(prog, "win_ms_network_client_sign_if_server_agrees"))
        self.assertEqual(tree.find(".//rule[@id='100560']/location").text, "API-Webhook")

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
