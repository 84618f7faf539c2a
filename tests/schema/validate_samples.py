"""The schemas are valid, every sample message the tests use matches the
message schema of its shape, and every bad sample fails to parse or to match."""

import glob
import json
import os
import sys

from jsonschema import Draft202012Validator

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
DATA = os.path.join(ROOT, "tests", "data")


def load_schema(name):
    with open(os.path.join(ROOT, "schemas", name), encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def valid(validator, path):
    try:
        with open(path, "rb") as f:
            obj = json.loads(f.read().decode("utf-8"))
    except ValueError:
        return False
    return validator.is_valid(obj)


def main():
    passed = failed = 0

    def report(ok, what):
        nonlocal passed, failed
        print("%s - %s" % ("ok" if ok else "not ok", what))
        if ok:
            passed += 1
        else:
            failed += 1

    for name in sorted(os.listdir(os.path.join(ROOT, "schemas"))):
        try:
            load_schema(name)
            report(True, "schema %s is valid" % name)
        except Exception as e:  # any error in a schema is a failure to report
            report(False, "schema %s: %s" % (name, e))
    cases = [("ar-message-4x.schema.json", DATA)]
    if os.path.exists(os.path.join(ROOT, "schemas", "ar-message-5x.schema.json")):
        cases.append(("ar-message-5x.schema.json", os.path.join(DATA, "v5")))
    for schema_name, folder in cases:
        v = load_schema(schema_name)
        for path in sorted(glob.glob(os.path.join(folder, "ours_*.json")) +
                           glob.glob(os.path.join(folder, "notours_*.json"))):
            report(valid(v, path), "%s matches %s" % (os.path.relpath(path, DATA), schema_name))
        for path in sorted(glob.glob(os.path.join(folder, "bad_*"))):
            report(not valid(v, path), "%s is refused by %s" % (os.path.relpath(path, DATA),
                                                                schema_name))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
