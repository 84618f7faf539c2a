#!/usr/bin/python3
"""Builds tests/data/sca/windows_policies.json from a local clone of
wazuh/wazuh: the Windows SCA policies of every 4.x release and of 5.0, as
the agent of each release reads them and as its alert carries each check.

    tests/data/sca/gen_sca_table.py /path/to/wazuh [-o OUT] [--ref main]...

Policies ship with the agent, so a manager hears from agents of many releases
at once; a check id names different controls in different releases. The table
keeps, for each generation of policy files (releases whose Windows policy
files are byte for byte the same), each policy and each check with what an
alert about it carries, and a label `ours` computed from what the check tests
(its title and its registry rule), never from its id. Re-run it when Wazuh
ships a release; the tests read only the JSON it writes.

Needs Debian's python3-yaml (libyaml). Reads the clone with `git` only (a
bare clone is enough)."""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

import yaml

# Where each release keeps its Windows policies (4.0 and 4.1: etc/sca).
POLICY_DIRS = ("ruleset/sca/windows", "etc/sca/windows")

OUR_TITLE = "microsoft network client: digitally sign communications (if server agrees)"
OUR_KEY = r"system\currentcontrolset\services\lanmanworkstation\parameters"
OUR_VALUE = "enablesecuritysignature"
HIVES = ("hkey_local_machine\\", "hklm\\")
# The compliance keys a 5.0 agent keeps (the others it drops with a warning).
COMPLIANCE_KEYS_5X = {"cmmc", "fedramp", "gdpr", "hipaa", "iso_27001", "nis2", "nist_800_171",
                      "nist_800_53", "pci_dss", "tsc"}

# strtod() as the 4.x agent's YAML reader uses it: a plain scalar that is a
# whole number text becomes a JSON number, anything else stays a string.
STRTOD = re.compile(r"^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+"
                    r"|inf(?:inity)?|nan)$", re.IGNORECASE)


def git(clone, *args):
    return subprocess.run(["git", "-C", clone, *args], check=True, capture_output=True).stdout


def version_key(tag):
    """v4.10.2 > v4.9.0; a final release > its rc > beta > alpha."""
    m = re.match(r"^v(\d+)\.(\d+)\.(\d+)(?:-(alpha|beta|rc)(\d+))?$", tag)
    if not m:
        return None
    stage = {"alpha": 0, "beta": 1, "rc": 2, None: 3}[m.group(4)]
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), stage, int(m.group(5) or 0))


def release_refs(clone, extra):
    """Every v4.x release tag, the newest v5.0.0 tag (its pre-releases are
    superseded), then the extra refs given (e.g. main, the 5.x line)."""
    tags = git(clone, "tag", "--list", "v4.*", "v5.0.0*").decode().split()
    tags = sorted((t for t in tags if version_key(t)), key=version_key)
    v4 = [t for t in tags if t.startswith("v4.")]
    v5 = [t for t in tags if t.startswith("v5.")][-1:]
    return v4 + v5 + list(extra)


def policy_files(clone, ref):
    """[(file name, blob id)] of the Windows policy files at ref."""
    for folder in POLICY_DIRS:
        try:
            out = git(clone, "ls-tree", ref + ":" + folder).decode()
        except subprocess.CalledProcessError:
            continue
        files = []
        for line in out.splitlines():
            meta, name = line.split("\t", 1)
            _, kind, blob = meta.split()
            if kind == "blob" and name.endswith((".yml", ".yaml")):
                files.append((name, blob))
        return folder, sorted(files)
    raise SystemExit("%s: no Windows SCA policy folder (%s)" % (ref, ", ".join(POLICY_DIRS)))


def to_json(node):
    """A YAML node as the agent's YAML-to-JSON reader makes it: quoted
    scalars are strings, plain ones numbers when strtod takes them whole; a
    repeated mapping key keeps its first value (cJSON finds the first)."""
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("'", '"') or not STRTOD.match(node.value):
            return node.value
        text = node.value.strip()
        try:
            return int(text, 0) if re.match(r"^[+-]?(0[xX][0-9a-fA-F]+|\d+)$", text) \
                else float(text)
        except ValueError:
            return node.value
    if isinstance(node, yaml.SequenceNode):
        return [to_json(n) for n in node.value]
    out = {}
    for k, v in node.value:
        key = k.value if isinstance(k, yaml.ScalarNode) else None
        if key is not None and key not in out:
            out[key] = to_json(v)
    return out


def registry_keys(rules):
    """What the 4.x agent lists in check.registry: the key part of each
    registry rule (type prefix and negation removed, cut at " -> "), each
    once, in rule order."""
    keys = []
    for rule in rules:
        if not isinstance(rule, str):
            continue
        r = rule[4:] if rule[:4] in ("not ", "NOT ") else rule
        kind, sep, value = r.partition(":")
        if not sep or kind.lstrip("!") != "r":
            continue
        key = value.split(" -> ", 1)[0]
        if key not in keys:
            keys.append(key)
    return keys


def compliance_4x(comp):
    """4.x: a list of one-key maps -> {key: "v1,v2"} (string values only,
    as the agent keeps them; a key with none is left out)."""
    out = {}
    for entry in comp if isinstance(comp, list) else []:
        if not isinstance(entry, dict) or not entry:
            continue
        key, values = next(iter(entry.items()))
        texts = [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
        if texts:
            out.setdefault(key, ",".join(texts))
    return out


def compliance_5x(comp):
    """5.x: {key: [values]} as the policy writes it, keys the agent keeps
    only (a list of one-key maps, the 4.x form, is read the same way)."""
    if isinstance(comp, list):
        comp = {k: v for entry in comp if isinstance(entry, dict) for k, v in entry.items()}
    if not isinstance(comp, dict):
        return {}
    return {k: [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in comp.items() if k in COMPLIANCE_KEYS_5X}


def normalise_title(title):
    t = title.lower()
    for q in ("'", '"', "`", "\u2018", "\u2019", "\u201c", "\u201d"):
        t = t.replace(q, "")
    return " ".join(t.split())


def strip_hive(key):
    k = key.strip().lower()
    for h in HIVES:
        if k.startswith(h):
            return k[len(h):]
    return None


def tests_our_value(rules):
    """True when a rule (not negated) tests our key's value for data 1."""
    for rule in rules:
        if not isinstance(rule, str) or not rule.startswith("r:"):
            continue
        parts = [p.strip() for p in rule[2:].split(" -> ")]
        if (len(parts) == 3 and strip_hive(parts[0]) == OUR_KEY
                and parts[1].lower() == OUR_VALUE and parts[2] == "1"):
            return True
    return False


def is_ours(title, rules):
    return OUR_TITLE in normalise_title(title or "") and tests_our_value(rules)


def read_policy(text, major):
    """(policy, [checks]) or raises ValueError."""
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as e:
        raise ValueError(" ".join(str(e).split())) from None
    doc = to_json(node) if node is not None else {}
    pol = doc.get("policy") if isinstance(doc, dict) else None
    if not isinstance(pol, dict) or not isinstance(doc.get("checks"), list):
        raise ValueError("no policy or checks section")
    checks = []
    for c in (c for c in doc["checks"] if isinstance(c, dict)):
        title = c.get("title") if major == 4 else c.get("name", c.get("title"))
        # The agent skips a check without a numeric id or a title.
        if not isinstance(c.get("id"), int) or not isinstance(title, str):
            continue
        rules = [r for r in c.get("rules") or [] if isinstance(r, str)]
        check = {"id": c["id"], "title": title, "condition": c.get("condition")}
        if major == 4:
            check["compliance"] = compliance_4x(c.get("compliance"))
            check["registry"] = registry_keys(rules)
        else:
            check["compliance"] = compliance_5x(c.get("compliance"))
        check["rules"] = rules
        check["ours"] = is_ours(title, rules)
        checks.append(check)
    return {"id": pol.get("id"), "name": pol.get("name")}, checks


class Interner:
    """A list of distinct JSON values; each is stored once and referred to
    by its index."""

    def __init__(self):
        self.items, self.index = [], {}

    def add(self, value):
        key = json.dumps(value, sort_keys=True, ensure_ascii=False)
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(value)
        return self.index[key]


def build(clone, extra_refs):
    strings, checks, policies, comps = Interner(), Interner(), Interner(), Interner()
    parsed = {}   # (blob, major) -> policy index or {"file", "error"}
    generations = {}  # (major, files) -> generation
    for ref in release_refs(clone, extra_refs):
        major = 4 if ref.startswith("v4.") else 5
        folder, files = policy_files(clone, ref)
        gen = generations.get((major, tuple(files)))
        if gen is None:
            gen = generations[(major, tuple(files))] = {
                "major": major, "folder": folder, "releases": [], "policies": [],
                "unparsable": []}
            for name, blob in files:
                if (blob, major) not in parsed:
                    parsed[(blob, major)] = read_blob(clone, blob, name, major,
                                                      (strings, comps, checks, policies))
                p = parsed[(blob, major)]
                (gen["unparsable"] if isinstance(p, dict) else gen["policies"]).append(p)
        gen["releases"].append(ref)
    for gen in generations.values():
        gen["policies"].sort(key=lambda i: policies.items[i]["file"])
    return {
        "about": "Windows SCA policies of wazuh/wazuh by release, written by "
                 "tests/data/sca/gen_sca_table.py. Policies and checks are stored once and "
                 "referred to by index: a check's compliance is an index into compliance, "
                 "and every text (title, compliance value, registry key, rule) an index into "
                 "strings.",
        "generations": list(generations.values()),
        "policies": policies.items,
        "checks": checks.items,
        "compliance": comps.items,
        "strings": strings.items,
    }


def read_blob(clone, blob, name, major, tables):
    """The policy's index, or {"file", "error"} when it does not parse."""
    strings, comps, checks, policies = tables
    text = git(clone, "cat-file", "blob", blob).decode("utf-8", "replace")
    try:
        pol, cks = read_policy(text, major)
    except ValueError as e:
        return {"file": name, "error": str(e)[:300]}
    s = strings.add
    refs = []
    for c in cks:
        c["title"] = s(c["title"])
        c["compliance"] = comps.add({k: [s(x) for x in v] if isinstance(v, list) else s(v)
                                     for k, v in c["compliance"].items()})
        for field in ("registry", "rules"):
            if field in c:
                c[field] = [s(x) for x in c[field]]
        refs.append(checks.add(c))
    pol["file"] = name
    pol["checks"] = refs
    return policies.add(pol)


def summary(table):
    ours = sum(1 for c in table["checks"] if c["ours"])
    lines = ["%d generations, %d policy versions, %d distinct checks (%d ours)" % (
        len(table["generations"]), len(table["policies"]), len(table["checks"]), ours)]
    for g in table["generations"]:
        rel = g["releases"]
        span = rel[0] if len(rel) == 1 else "%s .. %s" % (rel[0], rel[-1])
        owned = []
        for p in g["policies"]:
            pol = table["policies"][p]
            ids = [str(table["checks"][c]["id"]) for c in pol["checks"]
                   if table["checks"][c]["ours"]]
            owned.append("%s %s" % (pol["id"], "/".join(ids) or "-"))
        bad = ["%s unparsable" % u["file"] for u in g["unparsable"]]
        lines.append("  %s (%d): %s" % (span, len(rel), ", ".join(owned + bad)))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clone", help="a clone of wazuh/wazuh with its tags (bare is fine)")
    ap.add_argument("-o", "--output", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "windows_policies.json"))
    ap.add_argument("--ref", action="append", default=None,
                    help="another ref to read as 5.x (default: main)")
    args = ap.parse_args()
    refs = ["main"] if args.ref is None else args.ref
    table = build(args.clone, refs)
    text = json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(summary(table))
    print("%s: %d bytes, sha256 %s" % (args.output, len(text) + 1,
                                        hashlib.sha256(text.encode()).hexdigest()[:16]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
