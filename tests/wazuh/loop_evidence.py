#!/usr/bin/python3
"""Reads what the real daemons wrote, for tests/wazuh/loop.sh:

    loop_evidence.py alert ALERTS_JSON FROM RULE [KEY=VALUE...] [desc~TEXT]
        an alert of rule RULE ("*": any) among the lines of the manager's alerts.json
        after line FROM, whose dotted KEY (data.sca.check.id, agent.name,
        data.status, ...) holds VALUE and whose description holds TEXT
    loop_evidence.py arlog ACTIVE_RESPONSES_LOG PROGRAM STATUS [KEY=VALUE...]
        a line that PROGRAM appended to the agent's active-responses.log
        (Wazuh's "YYYY/MM/DD HH:MM:SS active-response/bin/<PROGRAM>: <JSON>")
        with that status
    loop_evidence.py lines FILE
        the number of lines of FILE (0 when absent)

Exits 0 and prints the match (one JSON line), or exits 1 and prints what
it saw that came closest."""

import json
import os
import re
import sys

# The dotted lookup the API stand-in's ?select= uses: one for both.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from fleet_api import pick as dotted  # noqa: E402

AR_LINE = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d active-response/bin/(\S+?)(\.exe)?: (.*)$")


def matches(obj, conditions):
    for cond in conditions:
        if cond.startswith("desc~"):
            if cond[5:] not in str(dotted(obj, "rule.description") or ""):
                return False
            continue
        key, _, value = cond.partition("=")
        found = dotted(obj, key)
        if (found if isinstance(found, str) else json.dumps(found)) != value:
            return False
    return True


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def alert(path, start, rule, conditions):
    seen = []
    for line in read_lines(path)[int(start):]:
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if rule != "*" and str(dotted(obj, "rule.id")) != rule:
            continue
        if matches(obj, conditions):
            print(json.dumps(obj, sort_keys=True))
            return 0
        seen.append(obj)
    for obj in seen[-3:]:
        print("near miss: " + json.dumps(obj, sort_keys=True)[:600])
    return 1


def arlog(path, program, status, conditions):
    near = []
    for line in read_lines(path):
        m = AR_LINE.match(line)
        if not m or m.group(1) != program:
            continue
        try:
            obj = json.loads(m.group(3))
        except ValueError:
            near.append(line)
            continue
        if obj.get("status") == status and matches(obj, conditions):
            print(json.dumps(obj, sort_keys=True))
            return 0
        near.append(line)
    for line in near[-3:]:
        print("near miss: " + line[:600])
    return 1


def main(argv):
    if len(argv) >= 5 and argv[1] == "alert":
        return alert(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) >= 5 and argv[1] == "arlog":
        return arlog(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) == 3 and argv[1] == "lines":
        print(len(read_lines(argv[2])))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
