"""Makes the seeds of the harnesses that read back files from disk, by
running the built program and sweep as the tests do, and writes them to
tests/fuzz/seeds/<harness>/:

  fuzz_history      the history of an agent whose value a GPO puts back:
                    after a set, after a revert and a set, after a restore
  fuzz_token_cache  the login token the program cached in its spool,
                    talking to the stand-in API (tests/api/fake_wazuh_api.py)
  fuzz_sweep_state  the state file of a finished sweep over a generated
                    fleet, that file before its "complete" line (a sweep
                    killed between batches), and cut inside its last line
                    (killed while appending)
  fuzz_gpo          a security template as secedit writes it and the
                    Security extension caches it (UTF-16LE with a BOM), and
                    the same text in UTF-8; Windows writes these, not us;
                    and one whose setting and GPO id are longer than an
                    echoed field

usage: AR_PROGRAM=build/active-response/<program> \\
       AR_SWEEP=build/sweep/<program>_sweep python3 tests/fuzz/seeds/make.py"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(TESTS, "e2e"))
sys.path.insert(0, os.path.join(TESTS, "api"))
from arprog import PROGRAM, Workdir, data, message  # noqa: E402
from fleet import make_fleet  # noqa: E402
from test_report import PASSWORD, USER, Server, make_pki  # noqa: E402

GUID = "{6AC1786C-016F-11D2-945F-00C04FB984F9}"
TEMPLATE = ("[Unicode]\r\nUnicode=yes\r\n[Version]\r\nsignature=\"$CHICAGO$\"\r\nRevision=1\r\n"
            "[Registry Values]\r\n"
            "MACHINE\\System\\CurrentControlSet\\Services\\LanmanServer\\Parameters\\"
            "EnableSecuritySignature=4,1\r\n"
            "MACHINE\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters\\"
            "EnableSecuritySignature=4,0\r\n"
            "[Privilege Rights]\r\nSeInteractiveLogonRight = *S-1-5-32-544\r\n"
            "GPOPath=" + GUID + "\\MACHINE\r\n")


def out_dir(harness):
    d = os.path.join(HERE, harness)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def copy(src, harness, name, cut=None):
    with open(src, "rb") as f:
        body = f.read()
    with open(os.path.join(HERE, harness, name), "wb") as f:
        f.write(body if cut is None else cut(body))


def ran(p, codes=(0,)):
    if p.returncode not in codes:
        raise RuntimeError("%s: exit %d\n%s" % (p.args, p.returncode, p.stderr.decode()))
    return p


def history():
    out_dir("fuzz_history")
    w = Workdir("value_0_utf16.reg")
    hist = os.path.join(w.backups, PROGRAM + "-history.json")
    try:
        ran(w.run(message("ours_26032_failed.json")))
        copy(hist, "fuzz_history", "set.json")
        backup = w.result()["backup"]
        shutil.copyfile(data("registry", "value_0_utf16.reg"), w.reg)  # a GPO refresh
        ran(w.run(message("ours_26032_failed.json")))
        copy(hist, "fuzz_history", "revert.json")
        ran(subprocess.run(w.args("--restore", backup), capture_output=True,
                           stdin=subprocess.DEVNULL, check=False))
        copy(hist, "fuzz_history", "restore.json")
    finally:
        w.cleanup()


def secret_file(d):
    path = os.path.join(d, "api.secret")
    with open(path, "w", encoding="utf-8") as f:
        f.write(PASSWORD + "\n")
    os.chmod(path, 0o600)
    return path


def api(server, pki, d):
    return {"url": "https://127.0.0.1:%d" % server.port, "user": USER,
            "password_file": secret_file(d), "ca_file": os.path.join(pki, "ca.pem"),
            "timeout_seconds": 10}


def token(pki):
    out_dir("fuzz_token_cache")
    server, w = Server(pki), Workdir("value_0_utf16.reg")
    try:
        cfg = os.path.join(w.dir, "report.json")
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump({"api": api(server, pki, w.dir), "spool_dir": os.path.join(w.dir, "spool")},
                      f)
        ran(w.run(message("ours_26032_failed.json"), "--config", cfg, timeout=60))
        copy(os.path.join(w.dir, "spool", "token"), "fuzz_token_cache", "token")
    finally:
        server.stop()
        w.cleanup()


def cut_before_complete(body):
    return body[:body.rstrip(b"\n").rfind(b"\n") + 1]


def sweep_state(pki):
    out_dir("fuzz_sweep_state")
    d = tempfile.mkdtemp(prefix="ar-seeds-")
    fleet = os.path.join(d, "fleet.json")
    with open(fleet, "w", encoding="utf-8") as f:
        json.dump(make_fleet(40, seed=4), f)
    server = Server(pki, fleet=fleet)
    try:
        cfg = os.path.join(d, "sweep.json")
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump({"api": api(server, pki, d), "max_requests_per_minute": 100000,
                       "ossec_conf": os.path.join(TESTS, "data", "ossec_conf",
                                                  "manager_shipped.conf")}, f)
        state = os.path.join(d, "state.jsonl")
        ran(subprocess.run([os.environ["AR_SWEEP"], "--config", cfg, "--state", state],
                           capture_output=True, timeout=300, check=False), (0, 1))
        copy(state, "fuzz_sweep_state", "finished.jsonl")
        copy(state, "fuzz_sweep_state", "killed.jsonl", cut_before_complete)
        copy(state, "fuzz_sweep_state", "cut.jsonl", lambda b: cut_before_complete(b)[:-20])
    finally:
        server.stop()
        shutil.rmtree(d, ignore_errors=True)


def gpo():
    d = out_dir("fuzz_gpo")
    with open(os.path.join(d, "gpt00000.inf"), "wb") as f:
        f.write(b"\xff\xfe" + TEMPLATE.encode("utf-16-le"))
    with open(os.path.join(d, "utf8.inf"), "wb") as f:
        f.write(TEMPLATE.encode("utf-8"))
    # A setting and an id longer than an echoed field: both are cut.
    long_id = "{" + "6AC1786C" * 50 + "}"
    with open(os.path.join(d, "long.inf"), "wb") as f:
        f.write(TEMPLATE.replace("=4,0", "=4," + "1" * 600)
                .replace(GUID, long_id).encode("utf-8"))


def main():
    pki = tempfile.mkdtemp(prefix="ar-seeds-pki-")
    try:
        make_pki(pki)
        history()
        token(pki)
        sweep_state(pki)
        gpo()
    finally:
        shutil.rmtree(pki, ignore_errors=True)


if __name__ == "__main__":
    main()
