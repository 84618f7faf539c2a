"""The .exe under Wine beside the least a program can do for its job
(figures only; timing never fails it). Interleaved rounds, one persistent
wineserver (started by wine_bench.sh):
  remediating (the value 0 before each run)  ours vs minreg.exe
  compliant (the value already 1)            ours vs min.exe
  reporting (compliant, the result sent to the stand-in API, HTTPS)
and the DLLs each kind of run loaded (Wine's +loaddll).

usage: wine_bench.py AGENT_DIR EXE_RELATIVE_PATH MIN_EXE MINREG_EXE ROUNDS
(WINEPREFIX set by agent.sh)."""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from arprog import data  # noqa: E402
from test_report import PASSWORD, Server, USER, make_pki  # noqa: E402

KEY = r"HKLM\System\CurrentControlSet\Services\LanmanWorkstation\Parameters"
LOADED = re.compile(r'Loaded L"[^"]*\\([^"\\]+)"')


def winpath(path):
    return subprocess.run(["winepath", "-w", path], capture_output=True, check=True,
                          text=True).stdout.strip()


def set_value(v):
    subprocess.run(["wine", "reg", "add", KEY, "/v", "EnableSecuritySignature", "/t",
                    "REG_DWORD", "/d", str(v), "/f"], capture_output=True, check=True)


def run(cmd, cwd, env=None):
    """Runs cmd with the alert on stdin; its wall time (s) and stderr."""
    with open(data("ours_26032_failed.json"), "rb") as alert:
        t = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, stdin=alert, capture_output=True, env=env,
                           timeout=120, check=False)
        return time.perf_counter() - t, p


def loaded(cmd, cwd):
    env = dict(os.environ, WINEDEBUG="+loaddll")
    _, p = run(cmd, cwd, env)
    names = LOADED.findall(p.stderr.decode("utf-8", "replace"))
    return sorted({n.lower() for n in names})


def report_config(agent, pki, server):
    ar_dir = os.path.join(agent, "active-response")
    secret = os.path.join(ar_dir, "bench-api.secret")
    with open(secret, "w", encoding="utf-8") as f:
        f.write(PASSWORD + "\n")
    os.chmod(secret, 0o600)
    ca = os.path.join(ar_dir, "bench-ca.pem")
    shutil.copyfile(os.path.join(pki, "ca.pem"), ca)
    cfg = os.path.join(ar_dir, "bench-report.json")
    with open(cfg, "w", encoding="utf-8") as f:
        json.dump({"api": {"url": "https://localhost:%d" % server.port, "user": USER,
                           "password_file": winpath(secret), "ca_file": winpath(ca),
                           "timeout_seconds": 30},
                   "spool_dir": winpath(os.path.join(ar_dir, "bench-spool"))}, f)
    return winpath(cfg)


def main():
    agent, exe, min_exe, minreg_exe, rounds = sys.argv[1:6]
    rounds = int(rounds)
    pki = tempfile.mkdtemp(prefix="ar-bench-pki-")
    make_pki(pki)
    server = Server(pki)
    try:
        cfg = report_config(agent, pki, server)
        cmds = {
            "ours": ["wine", exe],
            "minreg": ["wine", minreg_exe],
            "min": ["wine", min_exe],
            "reporting": ["wine", exe, "--config", cfg],
        }
        times = {k: [] for k in ("remediating", "minreg", "compliant", "min", "reporting")}
        for _ in range(rounds):
            set_value(0)
            times["remediating"].append(run(cmds["ours"], agent)[0])
            set_value(0)
            times["minreg"].append(run(cmds["minreg"], agent)[0])
            times["compliant"].append(run(cmds["ours"], agent)[0])
            times["min"].append(run(cmds["min"], agent)[0])
            times["reporting"].append(run(cmds["reporting"], agent)[0])
        sent = len(server.events())
        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        print("median wall time under Wine (64-bit), %d interleaved rounds:" % rounds)
        print("  remediating (value 0 before)  ours %7.1f ms  minreg.exe %7.1f ms  %5.2f x"
              "  (target: within 1.2x)"
              % (med["remediating"], med["minreg"], med["remediating"] / med["minreg"]))
        print("  compliant (value already 1)   ours %7.1f ms  min.exe    %7.1f ms  %5.2f x"
              "  (target: within 1.3x)"
              % (med["compliant"], med["min"], med["compliant"] / med["min"]))
        print("  reporting (compliant, sent)   ours %7.1f ms  = compliant + %.1f ms"
              " (%d of %d reports received)"
              % (med["reporting"], med["reporting"] - med["compliant"], sent, rounds))
        print("DLLs loaded (Wine's +loaddll):")
        set_value(0)
        runs = [("remediating", cmds["ours"]), ("compliant", cmds["ours"]),
                ("reporting", cmds["reporting"]), ("minreg.exe", cmds["minreg"]),
                ("min.exe", cmds["min"])]
        for name, cmd in runs:
            dlls = loaded(cmd, agent)
            print("  %-12s %2d: %s" % (name, len(dlls), " ".join(dlls)))
    finally:
        server.stop()
        shutil.rmtree(pki, ignore_errors=True)


if __name__ == "__main__":
    main()
