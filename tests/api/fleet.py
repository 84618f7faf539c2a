"""A generated fleet for the sweep's stand-in API (fleet_api.py): agents of
mixed systems and Wazuh releases, some disconnected or never connected,
each Windows agent with the policy of one release (from the table of
Wazuh's Windows policies, tests/data/sca/windows_policies.json) and the
checks of it that test the LanmanWorkstation key - ours and the decoys with
the same key ("(always)", the server settings, plain-text passwords) - each
passed, failed or not applicable at random, plus unrelated failed checks.

make_fleet(n, seed) returns the fleet as fleet_api.Fleet takes it; each
agent carries "truth": what a correct sweep does with it."""

import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from sca_table import Table  # noqa: E402

KEY = "LanmanWorkstation"
LEGACY = "4.1.5"  # before 4.2: legacy string messages, no alert


def version_of(generation):
    """A release of the generation, as the API writes it: 'Wazuh v4.14.7'."""
    return "Wazuh " + generation["releases"][-1]


def rule_type(rule):
    bare = rule[4:] if rule.startswith("not ") else rule
    return {"r:": "registry", "f:": "file", "d:": "directory", "p:": "process",
            "c:": "command"}.get(bare[:2], "numeric")


def older_than_42(version):
    major, minor = (int(x) for x in version.split("v", 1)[1].split(".")[:2])
    return (major, minor) < (4, 2)


def api_check(check, policy_id, result, rng):
    """The check as GET /sca/{agent_id}/checks/{policy_id} returns it."""
    out = {"id": check["id"], "policy_id": policy_id, "title": check["title"],
           "description": "What the setting does, in the policy's words.",
           "rationale": "Why the benchmark asks for it.",
           "remediation": "How to set it through Group Policy.",
           "references": "https://www.cisecurity.org/cis-benchmarks/",
           "condition": check["condition"] or "all", "result": result,
           "compliance": [{"key": k, "value": ",".join(v) if isinstance(v, list) else v}
                          for k, v in check["compliance"].items()],
           "rules": [{"type": rule_type(r), "rule": r} for r in check["rules"]]}
    if check["registry"]:
        out["registry"] = ",".join(check["registry"])
    if result == "not applicable":
        out["reason"] = "Key 'EnableSecuritySignature' not found for registry"
    elif rng.random() < 0.3:
        out["reason"] = None  # the API sends nulls for empty columns
    return out


def windows_checks(table, generation, policy, rng, fail_ours):
    """The agent's results for the policy: the checks on the key (ours
    failing when fail_ours), and two unrelated ones failing."""
    checks, ours_failed = [], False
    for idx in policy["checks"]:
        check = table.checks[idx]
        on_key = any(KEY in r for r in check["rules"])
        if not on_key:
            continue
        if check["ours"]:
            result = "failed" if fail_ours else rng.choice(["passed", "not applicable"])
            ours_failed = ours_failed or result == "failed"
        else:
            result = rng.choice(["failed", "failed", "passed"])  # decoys fail often
        checks.append(api_check(check, policy["id"], result, rng))
    others = [table.checks[i] for i in policy["checks"]
              if not any(KEY in r for r in table.checks[i]["rules"])]
    for check in rng.sample(others, min(2, len(others))):
        checks.append(api_check(check, policy["id"], "failed", rng))
    return checks, ours_failed


def windows_agent(table, agent, rng, generations):
    gen = rng.choice(generations)
    policy = table.policies[rng.choice(gen["policies"])]
    fail = rng.random() < 0.6
    checks, failing = windows_checks(table, gen, policy, rng, fail)
    agent["version"] = version_of(gen)
    agent["os"] = {"platform": "windows", "name": "Microsoft Windows",
                   "version": "10.0.%d" % rng.randint(14393, 26100)}
    agent["sca"] = [{"policy_id": policy["id"], "name": policy["name"],
                     "description": "Guidance for a secure configuration.",
                     "references": "https://www.cisecurity.org/cis-benchmarks/",
                     "pass": rng.randint(50, 200), "fail": rng.randint(50, 200),
                     "invalid": 0, "total_checks": len(policy["checks"]), "score": 50,
                     "checks": checks}]
    return failing


def make_fleet(n=60, seed=1, releases=None):
    """n agents after the manager (000). releases, when given, keeps only
    the generations holding one of them ("v4.14.7", ...)."""
    rng = random.Random(seed)
    table = Table()
    gens = [g for g in table.generations if g["major"] == 4 and
            (releases is None or set(releases) & set(g["releases"]))]
    agents = [{"id": "000", "name": "wazuh-manager", "status": "active",
               "version": "Wazuh v4.14.7", "os": {"platform": "ubuntu", "name": "Ubuntu"}}]
    for i in range(1, n + 1):
        agent = {"id": "%03d" % i, "name": "host-%03d" % i, "status": "active"}
        kind = rng.random()
        failing = False
        if kind < 0.2:
            agent["version"] = "Wazuh v4.14.7"
            agent["os"] = {"platform": rng.choice(["ubuntu", "centos", "darwin"]),
                           "name": "Linux"}
        else:
            failing = windows_agent(table, agent, rng, gens)
            if kind > 0.95:
                agent["version"] = "Wazuh v" + LEGACY
            elif 0.9 < kind <= 0.93:
                agent["sca"] = []  # no scan yet
        status = rng.random()
        if status < 0.1:
            agent["status"] = "disconnected"
        elif status < 0.13:
            agent["status"] = "never_connected"
            agent.pop("os", None)
        elif status < 0.16:
            agent["ar_disabled"] = True  # 1750 on dispatch
        elif status < 0.18:
            agent["disconnects_before_dispatch"] = True  # 1707 on dispatch
        dispatchable = (failing and agent["status"] == "active" and
                        not older_than_42(agent["version"]) and agent.get("sca") != [])
        agent["truth"] = {"failing": dispatchable,
                          "refused": dispatchable and (agent.get("ar_disabled") or
                                                       agent.get("disconnects_before_dispatch"))}
        agents.append(agent)
    return {"agents": agents,
            "ar_commands": {"win-ms-network-client-sign0":
                            "win_ms_network_client_sign_if_server_agrees.exe"}}


def expected(fleet):
    """(failing ids, ids whose dispatch the API refuses)."""
    failing = {a["id"] for a in fleet["agents"] if a.get("truth", {}).get("failing")}
    refused = {a["id"] for a in fleet["agents"] if a.get("truth", {}).get("refused")}
    return failing, refused
