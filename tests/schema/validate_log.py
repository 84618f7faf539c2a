"""Checks log files the program wrote: every line in Wazuh's active-response
format (what the stock ar_log_json decoder accepts), every line - a result or
a warning, each with its status - valid against schemas/result.schema.json.

usage: validate_log.py LOGFILE...    (exit 0 when all lines are valid)"""

import json
import os
import re
import sys

from jsonschema import Draft202012Validator

PREFIX = re.compile(r"^\d\d\d\d/\d\d/\d\d \d\d:\d\d:\d\d active-response/bin/\S+: ")
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas",
                      "result.schema.json")


def check_line(validator, line):
    """Returns None when the line is valid, else why not."""
    m = PREFIX.match(line)
    if not m:
        return "not in Wazuh's active-response log format"
    try:
        obj = json.loads(line[m.end():])
    except ValueError as e:
        return "text after the prefix is not JSON: %s" % e
    if not isinstance(obj, dict):
        return "text after the prefix is not a JSON object"
    if "status" not in obj:
        return "no status: neither a result nor a warning"
    errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
    if errors:
        return "; ".join("%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors)
    return None


def main(paths):
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    passed = failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                why = check_line(validator, line.rstrip("\n"))
                if why:
                    failed += 1
                    print("not ok - %s:%d: %s" % (path, n, why))
                else:
                    passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
