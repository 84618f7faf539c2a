"""Shared helpers for the end-to-end tests: run the built program the way
wazuh-execd does, and read back what it left behind (the .reg file, the log,
the backups)."""

import functools
import json
import os
import resource
import re
import shutil
import subprocess
import tempfile

KEY = r"HKEY_LOCAL_MACHINE\System\CurrentControlSet\Services\LanmanWorkstation\Parameters"
VALUE = "EnableSecuritySignature"
PROGRAM = "win_ms_network_client_sign_if_server_agrees"
LOG_RE = re.compile(
    r"^(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) active-response/bin/(\S+): (.*)$")

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("TESTS_DATA_DIR", os.path.join(HERE, "..", "data"))


def program():
    path = os.environ.get("AR_PROGRAM")
    if not path:
        raise RuntimeError("set AR_PROGRAM to the built program")
    return path


def data(*parts):
    return os.path.join(DATA, *parts)


class Workdir:
    """A temporary agent-like folder with its own .reg registry and log."""

    def __init__(self, reg_sample=None):
        self.dir = tempfile.mkdtemp(prefix="ar-e2e-")
        self.reg = os.path.join(self.dir, "registry.reg")
        self.log = os.path.join(self.dir, "active-responses.log")
        self.backups = os.path.join(self.dir, PROGRAM + "-backups")
        if reg_sample is not None:
            shutil.copyfile(data("registry", reg_sample), self.reg)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def args(self, *extra):
        return [program(), "--registry-file", self.reg, "--log-file", self.log, *extra]

    def run(self, stdin_bytes, *extra, timeout=30):
        """One run with all of stdin given at once (end of input after it)."""
        return subprocess.run(self.args(*extra), input=stdin_bytes, capture_output=True,
                              timeout=timeout, check=False)

    def reg_bytes(self):
        with open(self.reg, "rb") as f:
            return f.read()

    def backup_files(self):
        """The backups: the .reg files of the backups folder (which also
        holds the history and its lock)."""
        if not os.path.isdir(self.backups):
            return []
        return sorted(os.path.join(self.backups, n) for n in os.listdir(self.backups)
                      if n.endswith(".reg"))

    def log_records(self):
        return read_log(self.log)

    def result(self):
        """The one result record of the last run."""
        records = [r for r in self.log_records() if "warning" not in r]
        return records[-1] if records else None


def run_counted(module):
    """Runs a module's unittest cases, printing "N passed, M failed" (the
    line tests/run.sh adds up); the exit status for sys.exit."""
    import unittest
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    return 0 if failed == 0 and result.testsRun > 0 else 1


def run_command(*args, check=True, timeout=600):
    """Runs a command, its output captured as text; with check, a non-zero
    exit raises AssertionError with the command and the end of its output."""
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, check=False)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d\n%s%s" % (" ".join(args), p.returncode,
                                                      p.stdout[-3000:], p.stderr[-3000:]))
    return p


def read_log(path):
    """Every line must have Wazuh's active-response format; returns the JSON
    objects after the prefix."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = LOG_RE.match(line.rstrip("\n"))
            if not m:
                raise AssertionError("log line not in Wazuh format: %r" % line)
            out.append(json.loads(m.group(8)))
    return out


def decode_reg(raw):
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    return raw.decode("utf-8")


def reg_value(raw, key=KEY, name=VALUE):
    """The last assignment of name in [key] sections: ('dword', n),
    ('sz', text), ('hex', type, bytes), ('deleted',) or None; and whether
    the key exists. A small independent reader, so the tests do not trust
    the program's own parser."""
    text = decode_reg(raw)
    section = None
    found = None
    key_exists = False
    for line in text.replace("\r\n", "\n").split("\n"):
        s = line.strip()
        if s.startswith("[") and s.endswith("]"):
            section = s[1:-1]
            if section.lower() == key.lower():
                key_exists = True
            continue
        if section is None or section.lower() != key.lower():
            continue
        m = re.match(r'^"((?:[^"\\]|\\.)*)"=(.*)$', s)
        if not m or m.group(1).lower() != name.lower():
            continue
        data_ = m.group(2)
        if data_ == "-":
            found = ("deleted",)
        elif data_.startswith("dword:"):
            found = ("dword", int(data_[6:], 16))
        elif data_.startswith('"'):
            found = ("sz", data_[1:-1])
        else:
            found = ("other", data_)
    return found, key_exists


def unreachable_config(folder):
    """A configuration in folder (owner-only) that reports to a port where
    nothing listens: the spool is used, the sending lock taken, nothing
    sent."""
    path = os.path.join(folder, "report.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"api": {"url": "http://127.0.0.1:9", "user": "u", "password": "p",
                           "allow_plain_http": True, "timeout_seconds": 1}}, f)
    os.chmod(path, 0o600)
    return path


def message(name):
    with open(data(name), "rb") as f:
        return f.read()


VALIDATE_LOG = os.path.join(HERE, "..", "schema", "validate_log.py")


def log_schema_errors(path):
    """What tests/schema/validate_log.py finds wrong in a log: "" when every
    line has Wazuh's format and every result matches the result schema."""
    p = subprocess.run(["/usr/bin/python3", VALIDATE_LOG, path], capture_output=True, text=True,
                       check=False)
    return "" if p.returncode == 0 else p.stdout + p.stderr


# execd reads at most this much of a check_keys line; logcollector cuts log
# lines at 64 KiB: every line the program writes stays well under both.
CHECK_KEYS_MAX = 8192
LINE_MAX = 16384


def assert_bounded(test, stdout, stderr, log):
    """Standard output, standard error and every log line within their caps."""
    for line in stdout.splitlines():
        test.assertLessEqual(len(line) + 1, CHECK_KEYS_MAX, line[:200])
    for line in stderr.splitlines():
        test.assertLess(len(line) + 1, LINE_MAX, line[:200])
    if os.path.exists(log):
        with open(log, "rb") as f:
            for line in f:
                test.assertLess(len(line), LINE_MAX, line[:200])


def allow_cores():
    """For Popen's preexec_fn: the child starts with core files allowed (as
    far as the hard limit goes), so that only the program can turn them off."""
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def core_limit(pid):
    """The running process's core file limit, [soft, hard] as /proc shows
    them ("0", "unlimited"), or None once it is gone."""
    try:
        with open("/proc/%d/limits" % pid, encoding="ascii") as f:
            line = next(l for l in f if l.startswith("Max core file size"))
    except (FileNotFoundError, ProcessLookupError):
        return None
    return line.split()[4:6]


CAPS_SH = os.path.join(HERE, "..", "caps.sh")


@functools.lru_cache(maxsize=None)
def missing_capability(name):
    """Why this machine lacks tests/caps.sh's capability NAME (mountns,
    userns, setpriv, fifo, exec32, wine32), found there by trying it; None
    where it has it."""
    p = subprocess.run(["bash", "-c", '. "$0" && caps_"$1" || { printf "%s" "$CAPS_WHY"; exit 1; }',
                        CAPS_SH, name], capture_output=True, text=True, timeout=180, check=False)
    if p.returncode == 0:
        return None
    return p.stdout.strip() or "caps_%s failed (status %d): %s" % (name, p.returncode,
                                                                   p.stderr.strip()[:200])


def skip_without(test, name, what):
    """Skips TEST where capability NAME is missing, with the one line the
    shell suites print: "skipped: WHAT: WHY"."""
    why = missing_capability(name)
    if why is not None:
        print("skipped: %s: %s" % (what, why), flush=True)
        test.skipTest("%s: %s" % (what, why))
