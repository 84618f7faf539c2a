"""A fleet reporting at once: N agents (default 300), each its own folder
with its own registry, log and spool, run the program concurrently against
the fake Wazuh API limited to 30 requests per window on /events (the window
is scaled down from the API's minute, 6 s by default, so the run takes about
a minute). Then a drain phase: agents with reports still waiting run again
(an already-compliant run, whose report joins the queue) until every spool
is empty or the time is up. Prints delivered, kept, lost (must be 0),
requests made and the longest run; exits 1 only if a report was lost.

usage: fleet_bench.py PROGRAM [AGENTS] [WINDOW_SECONDS] [DRAIN_SECONDS]"""

import concurrent.futures
import glob
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import subprocess  # noqa: E402

from arprog import data  # noqa: E402
from test_report import PASSWORD, USER, Server, make_pki  # noqa: E402


def main():
    prog = sys.argv[1]
    agents = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    window = float(sys.argv[3]) if len(sys.argv) > 3 else 6.0
    drain_for = float(sys.argv[4]) if len(sys.argv) > 4 else 90.0
    work = tempfile.mkdtemp(prefix="ar-fleet-")
    pki = os.path.join(work, "pki")
    os.makedirs(pki)
    make_pki(pki)
    server = Server(pki, rate=30, window=window)
    alert = open(data("ours_26032_failed.json"), "rb").read()
    dirs = []
    for i in range(agents):
        d = os.path.join(work, "agent%04d" % i)
        os.makedirs(d)
        shutil.copyfile(data("registry", "value_0_utf16.reg"), os.path.join(d, "r.reg"))
        with open(os.path.join(d, "pw"), "w", encoding="utf-8") as f:
            f.write(PASSWORD)
        os.chmod(os.path.join(d, "pw"), 0o600)
        with open(os.path.join(d, "cfg.json"), "w", encoding="utf-8") as f:
            json.dump({"api": {"url": "https://127.0.0.1:%d" % server.port, "user": USER,
                               "password_file": os.path.join(d, "pw"),
                               "ca_file": os.path.join(pki, "ca.pem"), "timeout_seconds": 5},
                       "spool_dir": os.path.join(d, "spool")}, f)
        dirs.append(d)

    runs = 0
    longest = 0.0

    def run(d):
        t = time.monotonic()
        subprocess.run([prog, "--registry-file", os.path.join(d, "r.reg"), "--log-file",
                        os.path.join(d, "ar.log"), "--config", os.path.join(d, "cfg.json")],
                       input=alert, capture_output=True, check=False, timeout=120)
        return time.monotonic() - t

    def waiting(d):
        return len(glob.glob(os.path.join(d, "spool", "*.event.json")))

    start = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=agents) as pool:
            for dt in pool.map(run, dirs):
                runs += 1
                longest = max(longest, dt)
        burst = time.monotonic() - start
        deadline = time.monotonic() + drain_for
        while time.monotonic() < deadline:
            pending = [d for d in dirs if waiting(d)]
            if not pending:
                break
            with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
                for dt in pool.map(run, pending[:30]):
                    runs += 1
                    longest = max(longest, dt)
            time.sleep(window / 3)
        delivered = len(server.events())
        kept = sum(waiting(d) for d in dirs)
        requests = len(server.requests("/events"))
        logins = len(server.requests("/security/user/authenticate"))
        lost = runs - delivered - kept
        print("agents %d, runs %d (burst %.1f s, then drain), /events limit 30 per %.0f s"
              % (agents, runs, burst, window))
        print("delivered %d" % delivered)
        print("kept      %d (in spools, for a later run)" % kept)
        print("lost      %d" % lost)
        with open(server.record, encoding="utf-8") as f:
            accepted = sum(1 for line in f if '"accepted"' in line)
        print("requests  %d to /events (%d accepted, %d refused: rate limit or other), "
              "%d logins" % (requests, accepted, requests - accepted, logins))
        print("longest run %.2f s" % longest)
        return 1 if lost != 0 else 0
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
