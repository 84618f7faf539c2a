"""The sweep over a generated fleet (default 10,000 agents, fleet.py)
against the HTTPS stand-in of the API, whose own limit is set to the rate
the sweep is configured with: requests per examined agent, the rate
achieved against the one configured, the busiest minute as the server saw
it, time and peak memory. Prints figures; fails only if the sweep failed
outright or dispatched to an agent it should not have.

usage: sweep_bench.py SWEEP [AGENTS] [RATE_PER_MINUTE]"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from fleet import expected, make_fleet, older_than_42  # noqa: E402
from test_report import PASSWORD, USER, Server, make_pki  # noqa: E402


def busiest_minute(times):
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 60.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def main():
    sweep = sys.argv[1]
    agents = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rate = int(sys.argv[3]) if len(sys.argv) > 3 else 6000
    work = tempfile.mkdtemp(prefix="ar-sweep-bench-")
    try:
        pki = os.path.join(work, "pki")
        os.makedirs(pki)
        make_pki(pki)
        fleet = make_fleet(agents, seed=42)
        fleet_file = os.path.join(work, "fleet.json")
        with open(fleet_file, "w", encoding="utf-8") as f:
            json.dump(fleet, f)
        server = Server(pki, fleet=fleet_file, api_rate=rate)
        cfg = os.path.join(work, "sweep.json")
        # It holds the password: readable by its owner only, or the sweep refuses it.
        with open(os.open(cfg, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                  encoding="utf-8") as f:
            json.dump({"api": {"url": "https://127.0.0.1:%d" % server.port, "user": USER,
                               "password": PASSWORD, "ca_file": os.path.join(pki, "ca.pem")},
                       "max_requests_per_minute": rate,
                       "ossec_conf": os.path.join(HERE, "..", "data", "ossec_conf",
                                                  "manager_shipped.conf")}, f)
        try:
            start = time.monotonic()
            # Measured by time(1): a child forked from this process would
            # count this process's memory as its own.
            usage_file = os.path.join(work, "usage")
            p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", usage_file, sweep,
                                "--config", cfg, "--state", os.path.join(work, "state")],
                               capture_output=True, check=False)
            elapsed = time.monotonic() - start
            with open(usage_file, encoding="utf-8") as f:
                peak_kib, user, system = f.read().split()[-3:]
            with open(server.record, encoding="utf-8") as f:
                records = [json.loads(line) for line in f]
        finally:
            server.stop()
        summary = json.loads(p.stdout.decode().splitlines()[-1])
        made = sorted(r["time"] for r in records if "headers" in r)
        refused = sum(1 for r in records if r.get("answered") == 429)
        delivered = {a for r in records if "dispatch" in r for a in r["dispatch"]["delivered"]}
        puts = sum(1 for r in records if "dispatch" in r)
        failing, bad = expected(fleet)
        examined = sum(1 for a in fleet["agents"] if a["status"] == "active" and
                       a.get("os", {}).get("platform") == "windows" and
                       not older_than_42(a["version"]))
        minutes = elapsed / 60.0
        print("fleet            %d agents, %d Windows active, %d examined (4.2 and later)"
              % (agents, summary["windows_active"], examined))
        print("outcome          %d failing, %d dispatched in %d requests, %d refused by "
              "the API (1707/1750)" % (summary["failing"], summary["dispatched"], puts,
                                       summary["dispatch_failed"]))
        logins = sum(1 for r in records if r.get("path", "").startswith("/security"))
        print("requests         %d (%.2f per examined agent: 1 and 1 per SCA policy of each "
              "agent, the pages, the batches, %d login)"
              % (len(made), len(made) / max(examined, 1), logins))
        print("rate             configured %d a minute, achieved %.0f a minute (%.0f%%)"
              % (rate, len(made) / minutes, 100.0 * len(made) / minutes / rate))
        print("busiest minute   %d requests as the server counted them; 429 answers: %d"
              % (busiest_minute(made), refused))
        print("time             %.1f s; the sweep's peak memory %.1f MiB, CPU %.1f s"
              % (elapsed, int(peak_kib) / 1024.0, float(user) + float(system)))
        print("at the default   150 a minute this fleet takes %.0f minutes"
              % (len(made) / 150.0))
        wrong = delivered - (failing - bad)
        print("exactness        %d dispatched to the wrong agent, %d failing not reached"
              % (len(wrong), len((failing - bad) - delivered)))
        return 0 if p.returncode in (0, 1) and not wrong else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
