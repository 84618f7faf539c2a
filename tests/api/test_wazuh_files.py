"""The manager-side files in packaging/wazuh: well-formed XML, a dispatch
rule that fires for exactly the checks the program remediates in every
Wazuh release's Windows policies (the fields analysisd's SCA decoder gives
the rules, built from the table in tests/data/sca), and an example
configuration that the configuration schema accepts."""

import json
import os
import re
import sys
import unittest
import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
WAZUH = os.path.join(ROOT, "packaging", "wazuh")
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from sca_table import Table, decoder_fields  # noqa: E402


def rules_tree(name):
    # Wazuh rule files hold several top-level <group> elements.
    with open(os.path.join(WAZUH, name), encoding="utf-8") as f:
        return ET.fromstring("<root>" + f.read() + "</root>")


def fires(rule, fields):
    """Whether every <field> of the rule matches (pcre2 patterns of the
    kind Python's re reads alike; an absent field never matches)."""
    for f in rule.findall("field"):
        value = fields.get(f.get("name"))
        if value is None or not re.search(f.text, value):
            return False
    return True


class WazuhFiles(unittest.TestCase):
    def test_xml_well_formed(self):
        for name in os.listdir(WAZUH):
            if name.endswith(".xml") or name == "ossec.conf":
                with self.subTest(name=name):
                    rules_tree(name)

    def test_dispatch_rule_fires_for_our_control_in_every_release(self):
        tree = rules_tree("local_rules.xml")
        rule = tree.find(".//rule[@id='100550']")
        self.assertIsNotNone(rule)
        self.assertEqual([s.strip() for s in rule.find("if_sid").text.split(",")],
                         ["19007", "19011", "19014"])
        self.assertEqual({f.get("type") for f in rule.findall("field")}, {"pcre2"})
        # No check id in the rule: ids move between releases.
        self.assertIsNone(rule.find("field[@name='sca.check.id']"))
        wrong, ours, seen = [], set(), 0
        for check, policy, gen in Table().uses():
            if gen["major"] != 4:
                continue
            seen += 1
            if fires(rule, decoder_fields(check)) != check["ours"]:
                wrong.append("%s %s %s" % (gen["releases"][0], policy["id"], check["id"]))
            if check["ours"]:
                ours.add((gen["releases"][0], policy["id"], check["id"]))
        self.assertGreater(seen, 30000)
        self.assertEqual(wrong, [])
        # Among them the ids of older agents: 4.0 (13015), 4.1 - 4.8 (16023),
        # 4.3.7 - 4.9 (26035), 4.12 - 4.14.1 (36538), and 4.14.2 on (36537).
        ids = {i for _, _, i in ours}
        self.assertTrue({13015, 14014, 16023, 26035, 27040, 36538, 36537, 26032} <= ids, ids)

    def test_dispatch_rule_refuses_look_alikes(self):
        rule = rules_tree("local_rules.xml").find(".//rule[@id='100550']")
        key = r"HKEY_LOCAL_MACHINE\System\CurrentControlSet\Services\LanmanWorkstation\Parameters"
        srv = key.replace("LanmanWorkstation", "LanmanServer")
        title = ("Ensure 'Microsoft network client: Digitally sign communications "
                 "(if server agrees)' is set to 'Enabled'.")

        def fields(t, keys):
            return decoder_fields({"id": 1, "title": t, "compliance": {}, "registry": keys})

        self.assertTrue(fires(rule, fields(title, [key])))
        self.assertTrue(fires(rule, fields(title.upper(), [key.replace(
            "HKEY_LOCAL_MACHINE", "HKLM")])))
        for t, keys in [(title, [srv]), (title, [key, srv]), (title, []),
                        (title.replace("(if server agrees)", "(always)"), [key]),
                        (title.replace("client: ", "server: ").replace("server agrees",
                                                                        "client agrees"),
                         [key]),
                        (title, [key + r"\Sub"])]:
            self.assertFalse(fires(rule, fields(t, keys)), (t, keys))

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
