"""The .exe's reporting under Wine: its own libcurl (Schannel), spool, lock
and token cache on Windows file APIs, against the HTTPS stand-in of the
Wazuh API (tests/api/fake_wazuh_api.py, a CA made here by openssl), named
as localhost: Schannel checks the host name against the certificate's DNS
names, not its IP addresses.
Asserts what the server received, what the spool keeps, and that no secret
is written. TLS verification itself is proven on the native build
(tests/api/): Wine's Schannel does not refuse an unknown CA.

usage: report.py AGENT_DIR EXE_RELATIVE_PATH   (WINEPREFIX set by agent.sh)
prints "ok - ..." / "not ok - ..." lines, each run's standard error after
"# ", then "N passed, M failed"; a case that could not run ends it with a
traceback and no such line (run.sh's relay counts that as a failure)."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "api"))
sys.path.insert(0, os.path.join(HERE, ".."))
from arprog import data, read_log  # noqa: E402
from test_report import PASSWORD, Server, USER, make_pki  # noqa: E402

COUNTS = [0, 0]


def check(what, cond):
    COUNTS[0 if cond else 1] += 1
    print(("ok - " if cond else "not ok - ") + what, flush=True)


def winpath(path):
    return subprocess.run(["winepath", "-w", path], capture_output=True, check=True,
                          text=True).stdout.strip()


def main():
    agent, exe = sys.argv[1], sys.argv[2]
    ar_dir = os.path.join(agent, "active-response")
    log = os.path.join(ar_dir, "active-responses.log")
    spool = os.path.join(ar_dir, "report-spool")
    pki = tempfile.mkdtemp(prefix="ar-wine-pki-")
    make_pki(pki)
    server = Server(pki)
    outputs = []
    try:
        secret = os.path.join(ar_dir, "api.secret")
        with open(secret, "w", encoding="utf-8") as f:
            f.write(PASSWORD + "\n")
        shutil.copyfile(os.path.join(pki, "ca.pem"), os.path.join(ar_dir, "manager-ca.pem"))
        cfg = os.path.join(ar_dir, "report.json")
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump({"api": {"url": "https://localhost:%d" % server.port, "user": USER,
                               "password_file": winpath(secret),
                               "ca_file": winpath(os.path.join(ar_dir, "manager-ca.pem")),
                               # No case here waits for it to pass: it only
                               # bounds a hang, and a loaded machine may take
                               # seconds for Wine's TLS handshake.
                               "timeout_seconds": 30},
                       "spool_dir": winpath(spool)}, f)

        def run(*extra):
            with open(data("ours_26032_failed.json"), "rb") as alert:
                p = subprocess.run(["wine", exe, "--config", winpath(cfg), *extra], cwd=agent,
                                   stdin=alert, capture_output=True, timeout=120, check=False)
            outputs.append(p.stdout + p.stderr)
            print("# " + p.stderr.decode("utf-8", "replace").strip())
            return p

        def spooled():
            return sorted(glob.glob(os.path.join(spool, "*.event.json")))

        # Made by Linux with the default mode: Wine's ACL for it lets every
        # account read it, and a secret others can read is refused.
        # A dry run: the registry is left for the runs below.
        os.chmod(secret, 0o644)
        p = run("--dry-run")
        check("report: a password file others can read is refused, nothing sent, exit 4",
              p.returncode == 4 and server.events() == [] and
              b"is readable by others" in p.stderr and b"api.secret" in p.stderr)
        os.chmod(secret, 0o600)
        p = run()
        events = [json.loads(e) for e in server.events()]
        check("report: exit 0", p.returncode == 0)
        check("report: the API received the result the log holds",
              len(events) == 1 and events[0] == [r for r in read_log(log) if "warning" not in r][-1])
        check("report: logged in once, spool empty, token kept",
              len(server.requests("/security/user/authenticate")) == 1 and spooled() == [] and
              os.path.isfile(os.path.join(spool, "token")))

        server.set_mode("503")
        p = run()
        check("API down: exit 0, the report kept in the spool",
              p.returncode == 0 and len(spooled()) == 1)
        check("API down: a warning line in the log",
              any("report not sent" in r.get("warning", "") for r in read_log(log)))

        server.set_mode("")
        p = run()
        statuses = [json.loads(e)["status"] for e in server.events()]
        check("API back: the kept report sent first, then the new one",
              p.returncode == 0 and statuses == ["remediated", "compliant", "compliant"] and
              spooled() == [])
        check("API back: the cached token reused",
              len(server.requests("/security/user/authenticate")) == 1)

        secrets = [PASSWORD] + server.tokens()
        blobs = list(outputs)
        for path in glob.glob(os.path.join(ar_dir, "**"), recursive=True):
            if os.path.isfile(path) and path != secret and os.path.basename(path) != "token":
                with open(path, "rb") as f:
                    blobs.append(f.read())
        check("no password or token in the log, the outputs or the spool",
              not any(s.encode() in b for s in secrets for b in blobs))
    finally:
        server.stop()
        shutil.rmtree(pki, ignore_errors=True)


if __name__ == "__main__":
    main()
    print("%d passed, %d failed" % tuple(COUNTS))
