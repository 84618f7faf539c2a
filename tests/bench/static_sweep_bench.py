"""The static sweep (build-static-sweep.sh) beside the native dynamic
build: size on disk (and stripped), shared libraries loaded, start-up
(--version), and a dry run over a small fleet against the HTTPS stand-in
of the API (login, listing, SCA, TLS included), each the median of RUNS
runs, and peak memory of the dry run. Prints figures; fails only if a
program fails outright.

usage: static_sweep_bench.py STATIC DYNAMIC [RUNS]"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from fleet import make_fleet  # noqa: E402
from test_report import PASSWORD, USER, Server, make_pki  # noqa: E402


def median_ms(argv, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(argv, capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000.0)
        if p.returncode != 0:
            raise SystemExit("%s failed (%d): %s" % (argv[0], p.returncode,
                                                     p.stderr.decode()[-400:]))
    return statistics.median(times)


def peak_kib(argv, work):
    usage = os.path.join(work, "usage")
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", usage] + argv, capture_output=True,
                   check=True)
    with open(usage, encoding="utf-8") as f:
        return int(f.read().split()[-1])


def libraries(exe):
    """The shared libraries the program loads at start (and, for the
    dynamic build, libcurl's, opened when the API is called)."""
    p = subprocess.run(["ldd", exe], capture_output=True, check=False)
    own = [ln for ln in p.stdout.decode().splitlines() if "=>" in ln]
    return len(own)


def stripped_size(exe, work):
    out = os.path.join(work, "stripped")
    shutil.copy(exe, out)
    subprocess.run(["strip", "--strip-unneeded", out], check=True)
    return os.path.getsize(out)


def main():
    static, dynamic = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    work = tempfile.mkdtemp(prefix="ar-static-bench-")
    try:
        pki = os.path.join(work, "pki")
        os.makedirs(pki)
        make_pki(pki)
        fleet_file = os.path.join(work, "fleet.json")
        with open(fleet_file, "w", encoding="utf-8") as f:
            json.dump(make_fleet(20, seed=42), f)
        server = Server(pki, fleet=fleet_file)
        cfg = os.path.join(work, "sweep.json")
        with open(os.open(cfg, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                  encoding="utf-8") as f:
            # localhost: mbed TLS 2.28 matches certificate names, not addresses.
            json.dump({"api": {"url": "https://localhost:%d" % server.port, "user": USER,
                               "password": PASSWORD, "ca_file": os.path.join(pki, "ca.pem")},
                       "max_requests_per_minute": 100000}, f)
        try:
            rows = measure(static, dynamic, cfg, runs, work)
        finally:
            server.stop()
        print("%-16s %10s %10s %9s %12s %12s %10s" % (
            "sweep", "bytes", "stripped", "libs", "--version", "dry run", "peak"))
        for r in rows:
            print("%-16s %10d %10d %9d %10.2f ms %10.1f ms %7d KiB" % r)
        print("(libs: shared libraries loaded, libcurl's own included for the dynamic "
              "build, which opens it when the API is called; times: median of %d runs "
              "of --version, %d dry runs over 20 agents)" % (runs, max(3, runs // 4)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(static, dynamic, cfg, runs, work):
    curl = subprocess.run(["ldd", "/usr/lib/x86_64-linux-gnu/libcurl.so.4"],
                          capture_output=True, check=False).stdout.decode()
    rows = []
    for name, exe, extra in (("static (musl)", static, 0),
                             ("dynamic (glibc)", dynamic, curl.count("=>") + 1)):
        dry = [exe, "--config", cfg, "--dry-run"]
        rows.append((name, os.path.getsize(exe), stripped_size(exe, work),
                     libraries(exe) + extra, median_ms([exe, "--version"], runs),
                     median_ms(dry, max(3, runs // 4)), peak_kib(dry, work)))
    return rows


if __name__ == "__main__":
    main()
