"""The generated table of Wazuh's Windows SCA policies by release
(tests/data/sca/windows_policies.json, written by gen_sca_table.py), and the
message each era's agent receives about a failed check of it:

- 4.x: the alert as the analysisd SCA decoder writes it (compliance keys
  with dots nest, check.registry is a JSON list), inside the message
  wazuh-execd writes; for 4.2.0 - 4.2.4 agents with the manager's escapes
  (! $ ' ` as \\x21 \\x24 \\x27 \\x60);
- 5.x: the finding document inside the 5.x active-response message, its
  rules as a list or, as 5.0 agents built before wazuh/wazuh pull request
  38953 send them, as the pieces of their JSON text cut at every comma."""

import json

from arprog import PROGRAM, data

TABLE = data("sca", "windows_policies.json")
ESCAPED_RELEASES = {"v4.2.0", "v4.2.1", "v4.2.2", "v4.2.3", "v4.2.4"}


class Table:
    def __init__(self, path=TABLE):
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
        self.raw = raw
        s = raw["strings"]
        self.generations = raw["generations"]
        self.policies = raw["policies"]
        self.checks = []
        for c in raw["checks"]:
            comp = raw["compliance"][c["compliance"]]
            self.checks.append({
                "id": c["id"], "title": s[c["title"]], "condition": c.get("condition"),
                "compliance": {k: [s[x] for x in v] if isinstance(v, list) else s[v]
                               for k, v in comp.items()},
                "registry": [s[x] for x in c["registry"]] if "registry" in c else None,
                "rules": [s[x] for x in c["rules"]], "ours": c["ours"]})

    def uses(self):
        """(check, policy, generation) for every check of every generation."""
        for g in self.generations:
            for p in g["policies"]:
                pol = self.policies[p]
                for c in pol["checks"]:
                    yield self.checks[c], pol, g


def escaped_era(generation):
    return bool(ESCAPED_RELEASES & set(generation["releases"]))


def add_nested(obj, key, value):
    """As the decoder's W_JSON_AddField: each dot opens an object, and a
    field already there wins."""
    head, dot, rest = key.partition(".")
    if not dot:
        obj.setdefault(head, value)
        return
    sub = obj.setdefault(head, {})
    if isinstance(sub, dict):
        add_nested(sub, rest, value)


def decoder_check(check):
    """data.sca.check of the 4.x alert about a failed check."""
    out = {"id": str(check["id"]), "title": check["title"],
           "description": "This policy setting determines the state of the setting.",
           "rationale": "Session hijacking needs a way in.",
           "remediation": "Set the setting through Group Policy."}
    comp = {}
    for key, value in check["compliance"].items():
        add_nested(comp, key, value)
    if comp:
        out["compliance"] = comp
    out["references"] = "https://www.cisecurity.org/cis-benchmarks/"
    if check["registry"]:
        out["registry"] = check["registry"]
    out["result"] = "failed"
    return out


def agent_event(check, policy, result="failed", scan_id=1938274650):
    """The check event a 4.x agent's SCA module sends (wm_sca_build_event):
    compliance values and the registry keys it read joined with commas, the
    rules as the policy has them; a "not applicable" one with its reason."""
    info = {"id": check["id"], "title": check["title"],
            "description": "This policy setting determines the state of the setting.",
            "rationale": "Session hijacking needs a way in.",
            "remediation": "Set the setting through Group Policy.",
            "compliance": check["compliance"], "rules": check["rules"],
            "condition": check["condition"] or "all",
            "references": "https://www.cisecurity.org/cis-benchmarks/"}
    if check["registry"]:
        info["registry"] = ",".join(check["registry"])
    info["result"] = result
    if result == "not applicable":
        info["reason"] = "Could not open the key"
    return json.dumps({"type": "check", "id": scan_id, "policy": policy["name"],
                       "policy_id": policy["id"], "check": info}, ensure_ascii=False)


def decoder_fields(check):
    """The fields analysisd's SCA decoder gives the rules (what <field>
    matches): text as the decoder stores it. Lists are cJSON_Print text."""
    fields = {"sca.type": "check", "sca.check.id": str(check["id"]),
              "sca.check.title": check["title"], "sca.check.result": "failed"}
    for key, value in check["compliance"].items():
        fields["sca.check.compliance." + key] = value
    if check["registry"]:
        fields["sca.check.registry"] = "[" + ", ".join(
            json.dumps(k, ensure_ascii=False) for k in check["registry"]) + "]"
    return fields


def alert_4x(check, policy):
    rule = {"level": 7, "description": "%s: %s" % (policy["name"], check["title"]),
            "id": "19007", "firedtimes": 1, "mail": False, "groups": ["sca"]}
    for key, value in check["compliance"].items():
        if "." not in key:
            rule[key] = value.split(",")
    return {"timestamp": "2026-11-25T01:12:33.482+0000", "rule": rule,
            "agent": {"id": "001", "name": "win-ws01", "ip": "192.0.2.21"},
            "manager": {"name": "wazuh-manager"}, "id": "1764033153.1234567",
            "decoder": {"name": "sca"}, "location": "sca",
            "data": {"sca": {"type": "check", "scan_id": "1938274650",
                             "policy": policy["name"], "check": decoder_check(check)}}}


def message_4x(check, policy, escaped=False):
    msg = {"version": 1, "origin": {"name": "node01", "module": "wazuh-execd"},
           "command": "add",
           "parameters": {"extra_args": [], "alert": alert_4x(check, policy),
                          "program": "active-response/bin/" + PROGRAM}}
    text = json.dumps(msg, ensure_ascii=False, separators=(",", ":"))
    if escaped:
        for ch in "!$'`":
            text = text.replace(ch, "\\\\x%02x" % ord(ch))
    return text.encode("utf-8") + b"\n"


def rules_in_pieces(rules):
    text = json.dumps(rules, ensure_ascii=False, separators=(",", ":"))
    return [p.strip(" \t\n\r\v\f") for p in text.split(",") if p.strip(" \t\n\r\v\f")]


def message_5x(check, policy, pieces=False):
    finding = {"id": str(check["id"]), "name": check["title"],
               "description": "This policy setting determines the state of the setting.",
               "rationale": "Session hijacking needs a way in.",
               "remediation": "Set the setting through Group Policy.",
               "condition": check["condition"], "result": "Failed", "reason": None,
               "compliance": check["compliance"],
               "rules": rules_in_pieces(check["rules"]) if pieces else check["rules"]}
    msg = {"wazuh": {"active_response": {"name": "win-ms-network-client-sign",
                                         "executable": PROGRAM + ".exe",
                                         "type": "stateless", "location": "local",
                                         "extra_arguments": ""},
                     "agent": {"id": "001", "name": "win-ws01", "version": "v5.0.0"}},
           "check": finding,
           "policy": {"id": policy["id"], "name": policy["name"], "file": policy["file"]},
           "command": "enable"}
    return json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def distinct_messages(table):
    """Every distinct message the agents of all releases can receive about a
    failed check of the table, once each: [(message, ours, label)]. A check
    that stays the same across releases and policies is run once, whatever
    its id; but a check whose id is our control's id somewhere (the ids
    that move: 26032, 36537, 16027, ...) is run under each policy that has
    it, so that deciding by id would show."""
    our_ids = {c["id"] for c, _, _ in table.uses() if c["ours"]}
    seen = {}
    for check, policy, gen in table.uses():
        if gen["major"] == 4:
            forms = [("4.x", lambda c=check, p=policy: message_4x(c, p))]
            if escaped_era(gen):
                forms.append(("4.2.0-4.2.4", lambda c=check, p=policy: message_4x(c, p, True)))
            content = (check["title"], json.dumps(check["compliance"], sort_keys=True),
                       tuple(check["registry"] or ()))
        else:
            forms = [("5.x", lambda c=check, p=policy: message_5x(c, p)),
                     ("5.0 rules in pieces", lambda c=check, p=policy: message_5x(c, p, True))]
            content = (check["title"], json.dumps(check["compliance"], sort_keys=True),
                       tuple(check["rules"]))
        if check["id"] in our_ids:
            content += (policy["id"], policy["name"], check["id"])
        for form, make in forms:
            key = (form, content)
            if key not in seen:
                label = "%s %s %s (%s)" % (form, policy["id"], check["id"],
                                           gen["releases"][0])
                seen[key] = (make(), check["ours"], label)
    return list(seen.values())
