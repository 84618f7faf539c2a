"""The forms a message comes in, end to end on the native build: what
wazuh-execd writes, a line of alerts.json, the dashboard's JSON of an alert
or of a 5.x SCA state, a bare 5.x SCA state document; one line or
pretty-printed, with byte-order marks, UTF-16LE, CRLF. Each remediates the
.reg file and names its form in the result line; only execd's message is
answered with check_keys. Through a stand-in of execd that keeps the pipe
open: the program never waits for a line nobody sends. With writers that
stall: every wait ends at its stated bound, with exit 2 and nothing written.
And the commands --help and the README give for trying it by hand work as
written."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from arprog import PROGRAM, Workdir, data, message, program, reg_value
from test_e2e import check_keys_lines, validate_log

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
STANDIN = os.path.join(HERE, "wine", "execd_standin.py")

# The bounds the program states (--help, README): seconds.
MESSAGE_WAIT = 10
REPLY_WAIT = 10

# sample: (input form, check_keys lines written)
FORMS = {
    "ours_26032_failed.json": ("execd", 1),
    "forms/execd_26032_pretty.json": ("execd", 1),
    "forms/alert_26032.json": ("alert", 0),
    "forms/alert_26032_bom_crlf.json": ("alert", 0),
    "forms/dashboard_26032.json": ("indexer_document", 0),
    "forms/dashboard_26032_utf16.json": ("indexer_document", 0),
    "forms/sca_state_26032.json": ("sca_state", 0),
    "forms/dashboard_sca_state_26032.json": ("indexer_document", 0),
}

UNKNOWN_FORM = ("not a form this program reads; expected the message wazuh-execd writes "
                "(\"command\"), a Wazuh alert as alerts.json holds it (\"rule\" and "
                "\"agent\"), the dashboard's JSON of one (\"_source\"), or an SCA state "
                "document (\"check\" and \"policy\")")


def results(w):
    return [r for r in w.log_records() if "warning" not in r]


class Base(unittest.TestCase):
    def setUp(self):
        self.dirs = []

    def tearDown(self):
        for w in self.dirs:
            validate_log(self, w.log)
            w.cleanup()

    def work(self):
        w = Workdir("value_0_utf16.reg")
        self.dirs.append(w)
        return w

    def assert_remediated(self, w, form, stdout, what):
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1), what)
        rs = results(w)
        self.assertEqual(len(rs), 1, (what, rs))
        self.assertEqual(rs[0]["status"], "remediated", (what, rs[0]))
        self.assertEqual(rs[0]["input"], form, what)
        self.assertEqual(rs[0]["check_id"], "26032", what)
        self.assertEqual(rs[0]["command"], "add", what)
        self.assertEqual(rs[0]["agent_id"], "001", what)
        return check_keys_lines(stdout)

    def assert_nothing_written(self, w, before, what):
        self.assertEqual(w.reg_bytes(), before, what)
        self.assertEqual(w.backup_files(), [], what)


class Forms(Base):
    def test_each_form_remediates(self):
        for sample, (form, handshakes) in FORMS.items():
            with self.subTest(sample=sample):
                w = self.work()
                p = w.run(message(sample))
                self.assertEqual(p.returncode, 0, (sample, p.stderr))
                lines = self.assert_remediated(w, form, p.stdout, sample)
                self.assertEqual(len(lines), handshakes, sample)
                self.assertEqual(len(p.stderr.decode().strip().splitlines()), 1)

    def test_as_people_write_the_execd_message(self):
        raw = message("ours_26032_failed.json")
        pretty = json.dumps(json.loads(raw), indent=2).encode()
        variants = {
            # `cat msg.json; echo`: the empty line is not the reply.
            "followed by blank lines": raw + b"\n\r\n  \n",
            "CRLF (PowerShell's Get-Content | program)": raw.replace(b"\n", b"\r\n"),
            "UTF-8 with BOM": b"\xef\xbb\xbf" + raw,
            "UTF-16LE with BOM (PowerShell 5.1's >)":
                b"\xff\xfe" + raw.decode().replace("\n", "\r\n").encode("utf-16-le"),
            "pretty-printed, no newline at the end": pretty,
            "pretty-printed, then the reply": pretty + b"\n\n{\"command\":\"continue\"}\n",
        }
        for what, stdin in variants.items():
            with self.subTest(what=what):
                w = self.work()
                p = w.run(stdin)
                self.assertEqual(p.returncode, 0, (what, p.stderr))
                self.assertEqual(len(self.assert_remediated(w, "execd", p.stdout, what)), 1)

    def test_the_reply_after_a_pretty_message_is_read(self):
        pretty = json.dumps(json.loads(message("ours_26032_failed.json")), indent=2)
        w = self.work()
        before = w.reg_bytes()
        p = w.run((pretty + "\nabort\n").encode())
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(results(w)[0]["status"], "aborted")
        self.assert_nothing_written(w, before, "abort")

    def test_other_alerts_are_not_ours(self):
        with open(data("forms", "alerts.json"), "rb") as f:
            lines = f.read().splitlines(keepends=True)
        for line in lines[:2]:
            with self.subTest(line=line[:60]):
                w = self.work()
                before = w.reg_bytes()
                p = w.run(line)
                self.assertEqual(p.returncode, 3, p.stderr)
                self.assertEqual(p.stdout, b"", "no check_keys without execd")
                r = results(w)[0]
                self.assertEqual((r["status"], r["input"]), ("not_applicable", "alert"))
                self.assert_nothing_written(w, before, line)

    def test_unknown_form_is_one_clear_sentence(self):
        w = self.work()
        before = w.reg_bytes()
        p = w.run(message("forms/unknown_form.json"))
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stdout, b"")
        err = p.stderr.decode()
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(UNKNOWN_FORM, err)
        r = results(w)[0]
        self.assertEqual(r["status"], "invalid_input")
        self.assertIn(UNKNOWN_FORM, r["error"])
        self.assertNotIn("input", r)
        self.assert_nothing_written(w, before, "unknown form")


def standin(w, sample, reply, timeout):
    """Runs the program under the execd stand-in, whose end of the pipe stays
    open until the program exits."""
    p = subprocess.run([sys.executable, STANDIN, data(sample), reply, "--", *w.args()],
                       capture_output=True, timeout=timeout, check=False)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


class Several(Base):
    """What findstr or grep gives of alerts.json: every matching line, oldest
    first. The newest about this control is used and the result says which;
    the count is named."""

    def lines(self):
        with open(data("forms", "alerts.json"), "rb") as f:
            return f.read().splitlines(keepends=True)

    def test_the_newest_about_our_control_is_used(self):
        other, other_check, ours = self.lines()
        passed = ours.replace(b'"result":"failed"', b'"result":"passed"')
        self.assertNotEqual(passed, ours)
        for what, stdin, rc, status, used in [
                ("ours, then newer others", ours + other + b"\n" + other_check, 0,
                 "remediated", 1),
                ("ours failed, then ours passed", ours + other + passed, 3, "not_applicable", 3),
                ("none ours", other + other_check, 3, "not_applicable", 2),
                ("CRLF, blank lines", b"\r\n".join([other, ours, b"", b""]), 0,
                 "remediated", 2)]:
            with self.subTest(what=what):
                w = self.work()
                p = w.run(stdin)
                self.assertEqual(p.returncode, rc, p.stderr)
                self.assertEqual(p.stdout, b"")
                rs = results(w)
                self.assertEqual(len(rs), 1, rs)
                count = len([l for l in stdin.splitlines() if l.strip()])
                self.assertEqual((rs[0]["status"], rs[0]["messages"]),
                                 (status, {"read": count, "used": used}), rs[0])
                self.assertIn(b"message %d of the %d on standard input" % (used, count),
                              p.stderr)
                self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1 if rc == 0 else 0))

    def test_a_bad_line_among_them_is_named(self):
        other, _, ours = self.lines()
        for what, stdin, why in [
                ("not JSON", ours + b"garbage\n", "message 2 on standard input"),
                ("execd's after an alert", ours + message("ours_26032_failed.json"),
                 "wazuh-execd's message comes alone")]:
            with self.subTest(what=what):
                w = self.work()
                before = w.reg_bytes()
                p = w.run(stdin)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(why, results(w)[0]["error"])
                self.assert_nothing_written(w, before, what)

    def test_a_plain_run_says_nothing_of_configuration(self):
        w = self.work()
        p = w.run(message("forms/alert_26032.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr.count(b"\n"), 1, p.stderr)
        self.assertNotIn(b"configuration", p.stderr)


class HeldOpen(Base):
    """The pipe stays open, as execd keeps it: after execd's message the
    program must end by itself after the one reply (had it waited for one
    more line it would have run into its bound and ended with invalid_input,
    not with the outcome asserted here). A person's forms may come several
    at a time: they are read until end of input or the 10 s bound, and a
    writer done that keeps the pipe open meets that bound with what it
    wrote used."""

    def test_execd_message_then_reply(self):
        for sample, reply, rc, status in [
                ("ours_26032_failed.json", "continue", 0, "remediated"),
                ("forms/execd_26032_pretty.json", "continue", 0, "remediated"),
                ("ours_26032_failed.json", "abort", 3, "aborted")]:
            with self.subTest(sample=sample, reply=reply):
                w = self.work()
                out = standin(w, sample, reply, MESSAGE_WAIT + REPLY_WAIT + 30)
                self.assertEqual(out["exit"], rc, out)
                self.assertEqual(out["check_keys"]["command"], "check_keys")
                self.assertEqual(out["rest"], "", "nothing after check_keys")
                self.assertEqual(results(w)[0]["status"], status)

    def test_other_forms_are_not_answered(self):
        for sample, (form, handshakes) in FORMS.items():
            if handshakes:
                continue
            with self.subTest(sample=sample):
                w = self.work()
                out = standin(w, sample, "continue", MESSAGE_WAIT + 30)
                self.assertEqual(out["exit"], 0, out)
                self.assertIsNone(out["check_keys"], "no check_keys line")
                self.assertEqual(out["rest"], "")
                self.assert_remediated(w, form, b"", sample)

    def test_delete_is_not_answered(self):
        w = self.work()
        out = standin(w, "ours_26032_delete.json", "continue", MESSAGE_WAIT + 30)
        self.assertEqual(out["exit"], 0, out)
        self.assertIsNone(out["check_keys"])
        self.assertEqual(results(w)[0]["status"], "kept")


class Bounded(Base):
    """Writers that stall, all at once (they wait in parallel): each run ends
    by itself at the stated bound, exit 2, the bound named, nothing written
    to the registry."""

    CASES = {
        "nothing written": (b"", "no message on standard input within 10 s"),
        "half a line": (b'{"version":1,"origin":{"name":"wazuh-manager"',
                        "the message on standard input was not complete within 10 s"),
        "half a pretty-printed document": (
            b'{\n  "_index": "wazuh-alerts-4.x-2026.11.25",\n  "_source": {\n',
            "the message on standard input was not complete within 10 s"),
        "half a byte-order mark": (b"\xef\xbb",
                                   "the message on standard input was not complete within 10 s"),
    }

    def test_every_wait_ends(self):
        runs = {}
        for what, (stdin, _) in self.CASES.items():
            w = self.work()
            proc = subprocess.Popen(w.args(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            proc.stdin.write(stdin)
            proc.stdin.flush()
            runs[what] = (w, w.reg_bytes(), proc)
        w = self.work()
        proc = subprocess.Popen(w.args(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        proc.stdin.write(message("ours_26032_failed.json"))
        proc.stdin.flush()
        runs["no reply to check_keys"] = (w, w.reg_bytes(), proc)
        try:
            for what, (w, before, proc) in runs.items():
                with self.subTest(what=what):
                    # The bound, and a margin for a loaded machine: a run
                    # that waited for its input without limit would not end.
                    # Our end of its standard input stays open meanwhile.
                    proc.wait(timeout=MESSAGE_WAIT + REPLY_WAIT + 60)
                    out, err = proc.stdout.read(), proc.stderr.read()
                    self.assertEqual(proc.returncode, 2, err)
                    want = self.CASES[what][1] if what in self.CASES else \
                        "no reply to check_keys on standard input within 10 s"
                    self.assertIn(want, err.decode())
                    r = results(w)[0]
                    self.assertEqual(r["status"], "invalid_input")
                    self.assertIn(want, r["error"])
                    self.assert_nothing_written(w, before, what)
                    self.assertEqual(len(check_keys_lines(out)),
                                     1 if what not in self.CASES else 0)
        finally:
            for _, _, proc in runs.values():
                proc.kill()
                proc.wait()
                for f in (proc.stdin, proc.stdout, proc.stderr):
                    f.close()

    def test_help_states_the_bounds(self):
        p = subprocess.run([program(), "--help"], capture_output=True, check=True)
        self.assertIn(b"at most %d s for the message and %d s for execd's reply" %
                      (MESSAGE_WAIT, REPLY_WAIT), b" ".join(p.stdout.split()))


def help_lines(section):
    """The commands of one section of --help's "By hand" part."""
    text = subprocess.run([program(), "--help"], capture_output=True, check=True,
                          text=True).stdout
    lines = text.split("By hand", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  " + section))
    out = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        out.append(line[4:])
    return out


def readme_block():
    """The Linux commands of the README's "By hand" section."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    part = text.split("## By hand\n", 1)[1]
    block = re.search(r"\n((?:    .*\n)+)", part).group(1)
    return [line[4:] for line in block.splitlines()]


class ByHand(Base):
    """The Linux commands of --help and the README, run as written: a fresh
    .reg file before each, and each must remediate it."""

    def run_each(self, setup, commands, cwd, env):
        for cmd in commands:
            with self.subTest(cmd=cmd):
                reg = os.path.join(cwd, "registry.reg")
                shutil.copyfile(data("registry", "value_0_utf16.reg"), reg)
                p = subprocess.run(["sh", "-c", setup + "\n" + cmd], cwd=cwd, env=env,
                                   capture_output=True, timeout=60, check=False)
                self.assertEqual(p.returncode, 0, (cmd, p.stderr))
                with open(reg, "rb") as f:
                    self.assertEqual(reg_value(f.read())[0], ("dword", 1), cmd)
                self.assertIn(b"remediated", p.stderr)

    def test_help_commands(self):
        lines = help_lines("Linux")
        self.assertEqual(len(lines), 4, lines)
        self.assertTrue(lines[0].startswith('AR="' + PROGRAM + " "), lines[0])
        d = tempfile.mkdtemp(prefix="ar-byhand-")
        try:
            shutil.copyfile(data("forms", "alert_26032.json"), os.path.join(d, "alert.json"))
            shutil.copyfile(data("forms", "dashboard_26032.json"),
                            os.path.join(d, "dashboard.json"))
            env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(program())) +
                       os.pathsep + os.environ["PATH"])
            commands = [c.replace("/var/ossec/logs/alerts/alerts.json",
                                  data("forms", "alerts.json")) for c in lines[1:]]
            self.run_each(lines[0], commands, d, env)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_readme_commands(self):
        lines = readme_block()
        self.assertTrue(lines[0].startswith("meson setup build"), lines)
        self.assertTrue(lines[1].startswith("cp tests/data/registry/"), lines)
        self.assertTrue(lines[2].startswith('AR="build/active-response/' + PROGRAM), lines)
        d = tempfile.mkdtemp(prefix="ar-readme-")
        try:
            # As written, but the program as built here and /tmp a folder of
            # this test's own; run from the source folder, as the README says.
            def local(s):
                return s.replace("/tmp/", d + "/").replace("build/active-response/" + PROGRAM,
                                                            os.path.abspath(program()))
            setup = local(lines[2])
            commands = [local(c) for c in lines[3:]]
            self.assertEqual(len(commands), 4, commands)
            for cmd in commands:
                with self.subTest(cmd=cmd):
                    subprocess.run(["sh", "-c", local(lines[1])], cwd=ROOT, check=True)
                    p = subprocess.run(["sh", "-c", setup + "\n" + cmd], cwd=ROOT,
                                       capture_output=True, timeout=60, check=False)
                    self.assertEqual(p.returncode, 0, (cmd, p.stderr))
                    with open(os.path.join(d, "registry.reg"), "rb") as f:
                        self.assertEqual(reg_value(f.read())[0], ("dword", 1), cmd)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_windows_commands_are_shown(self):
        """The Windows ones run under Wine (tests/e2e/wine/inputs.sh); here,
        that --help and the README show the same."""
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        for section in ("Windows cmd", "Windows PowerShell"):
            lines = help_lines(section)
            self.assertGreaterEqual(len(lines), 4, (section, lines))
            for line in lines:
                self.assertIn(line, readme, section)


if __name__ == "__main__":
    unittest.main(verbosity=2)
