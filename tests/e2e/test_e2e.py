"""The built program, end to end on the native build: sample messages piped
in, a .reg file as the registry. Asserts exit status, the registry value read
back from the file, the file's other bytes, the backups, standard output and
the log line."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from arprog import (CHECK_KEYS_MAX, KEY, PROGRAM, VALUE, Workdir, allow_cores, assert_bounded,
                    core_limit, data, message, program, read_log, reg_value)

TWINS = ["ours_15535_win10.json", "ours_16027_win2016.json", "ours_16535_win2019.json",
         "ours_27038_win2022.json", "ours_36537_win2025.json", "ours_15036_win2012r2.json",
         "ours_34537_win2012.json"]
NOT_OURS = ["notours_other_check.json", "notours_passed.json", "notours_not_applicable.json",
            "notours_not_sca.json", "notours_summary.json", "notours_trap_16031.json",
            "notours_trap_34541.json", "notours_wrong_registry.json",
            "notours_no_sca_group.json"]
BAD = ["bad_not_json.txt", "bad_empty.txt", "bad_truncated.json", "bad_unknown_command.json",
       "bad_version_string.json", "bad_origin_not_object.json", "bad_parameters_array.json",
       "bad_alert_not_object.json", "bad_extra_args_not_strings.json",
       "bad_command_number.json"]


VALIDATE_LOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schema",
                            "validate_log.py")


def validate_log(test, path):
    """Every result line the program wrote must match schemas/result.schema.json."""
    if os.path.exists(path):
        p = subprocess.run(["/usr/bin/python3", VALIDATE_LOG, path], capture_output=True,
                           check=False)
        test.assertEqual(p.returncode, 0, p.stdout + p.stderr)


def check_keys_lines(stdout):
    """Standard output must hold nothing but check_keys lines."""
    lines = stdout.decode("utf-8").splitlines()
    for line in lines:
        msg = json.loads(line)
        assert msg == {"version": 1,
                       "origin": {"name": PROGRAM, "module": "active-response"},
                       "command": "check_keys",
                       "parameters": {"keys": msg["parameters"]["keys"]}}, line
        assert all(isinstance(k, str) for k in msg["parameters"]["keys"])
    return lines


class Base(unittest.TestCase):
    def setUp(self):
        self.w = None

    def tearDown(self):
        if self.w:
            validate_log(self, self.w.log)
            self.w.cleanup()

    def work(self, reg_sample):
        self.w = Workdir(reg_sample)
        return self.w

    def assert_one_result(self, status):
        records = [r for r in self.w.log_records() if "warning" not in r]
        self.assertEqual(len(records), 1, records)
        r = records[0]
        self.assertEqual(r["status"], status, r)
        self.assertEqual(r["registry_path"], KEY)
        self.assertEqual(r["value_name"], VALUE)
        # The raw alert is never logged: no alert fields, none of its text.
        self.assertFalse(set(r) & {"alert", "parameters", "data", "rule", "origin"}, r)
        with open(self.w.log, encoding="utf-8") as f:
            self.assertNotIn("Session hijacking", f.read())
        return r


class Remediation(Base):
    def test_from_zero_utf16(self):
        w = self.work("value_0_utf16.reg")
        before = w.reg_bytes()
        p = w.run(message("ours_26032_failed.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        after = w.reg_bytes()
        self.assertEqual(reg_value(after)[0], ("dword", 1))
        self.assertTrue(after.startswith(b"\xff\xfe"), "encoding kept")
        # Only our line changed: the same text with that line swapped back.
        self.assertEqual(after.decode("utf-16-le").replace(
            '"EnableSecuritySignature"=dword:00000001',
            '"EnableSecuritySignature"=dword:00000000'), before.decode("utf-16-le"))
        self.assertEqual(len(check_keys_lines(p.stdout)), 1)
        r = self.assert_one_result("remediated")
        self.assertEqual(r["check_id"], "26032")
        self.assertEqual(r["agent_id"], "001")
        self.assertEqual(r["before"], {"exists": True, "type": "REG_DWORD", "data": 0})
        self.assertEqual(r["after"], {"exists": True, "type": "REG_DWORD", "data": 1})
        self.assertTrue(os.path.isabs(r["backup"]) and os.path.exists(r["backup"]))
        self.assertEqual(len(p.stderr.decode().strip().splitlines()), 1)
        self.assertIn("remediated", p.stderr.decode())

    def test_from_zero_utf8_keeps_encoding(self):
        w = self.work("value_0_utf8.reg")
        before = w.reg_bytes()
        p = w.run(message("ours_26032_failed.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        after = w.reg_bytes()
        self.assertEqual(reg_value(after)[0], ("dword", 1))
        self.assertFalse(after.startswith(b"\xff\xfe"))
        self.assertNotIn(b"\r\n", after, "LF line endings kept")
        self.assertEqual(after.replace(b'"EnableSecuritySignature"=dword:00000001',
                                       b'"EnableSecuritySignature"=dword:00000000'), before)

    def test_reg_sz_one_is_not_compliant(self):
        w = self.work("value_sz_utf16.reg")
        p = w.run(message("ours_26032_failed.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1))
        r = self.assert_one_result("remediated")
        self.assertEqual(r["before"]["type"], "REG_SZ")
        self.assertEqual(r["before"]["data"], "1")

    def test_missing_key_is_created(self):
        w = self.work("no_key_utf16.reg")
        p = w.run(message("ours_26032_failed.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        value, key_exists = reg_value(w.reg_bytes())
        self.assertTrue(key_exists)
        self.assertEqual(value, ("dword", 1))
        r = self.assert_one_result("remediated")
        self.assertEqual(r["before"]["exists"], False)

    def test_missing_value_is_added(self):
        w = self.work("no_value_utf8.reg")
        p = w.run(message("ours_26032_failed.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1))

    def test_missing_registry_file_is_created(self):
        w = self.work(None)
        p = w.run(message("ours_26032_failed.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        raw = w.reg_bytes()
        self.assertTrue(raw.startswith(b"\xff\xfe"))
        self.assertEqual(reg_value(raw), (("dword", 1), True))

    def test_already_compliant_writes_nothing(self):
        w = self.work("compliant_utf16.reg")
        before = w.reg_bytes()
        st = os.stat(w.reg)
        p = w.run(message("ours_26032_failed.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(w.reg_bytes(), before)
        self.assertEqual(os.stat(w.reg).st_ino, st.st_ino, "file not replaced")
        self.assertEqual(w.backup_files(), [])
        self.assert_one_result("compliant")

    def test_every_twin_check(self):
        for name in TWINS + ["ours_26032_id_number.json", "ours_26032_registry_string.json",
                             "ours_26032_hklm.json", "ours_26032_passed_to_failed.json"]:
            with self.subTest(name=name):
                w = self.work("value_0_utf16.reg")
                p = w.run(message(name))
                self.assertEqual(p.returncode, 0, (name, p.stderr))
                self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1))
                self.assert_one_result("remediated")
                validate_log(self, w.log)
                w.cleanup()
                self.w = None

    def test_backup_restores_exactly(self):
        for sample in ["value_0_utf16.reg", "value_sz_utf16.reg", "no_value_utf8.reg",
                       "no_key_utf16.reg", "value_0_utf8.reg"]:
            with self.subTest(sample=sample):
                w = self.work(sample)
                original_value = reg_value(w.reg_bytes())
                p = w.run(message("ours_26032_failed.json"))
                self.assertEqual(p.returncode, 0, p.stderr)
                backups = w.backup_files()
                self.assertEqual(len(backups), 1)
                self.assertEqual(self.w.result()["backup"], backups[0])
                p = subprocess.run(w.args("--restore", backups[0]), capture_output=True,
                                   check=False, stdin=subprocess.DEVNULL)
                self.assertEqual(p.returncode, 0, p.stderr)
                restored = reg_value(w.reg_bytes())
                if original_value[0] is None:
                    self.assertIn(restored[0], (None, ("deleted",)))
                else:
                    self.assertEqual(restored[0], original_value[0])
                validate_log(self, w.log)
                w.cleanup()
                self.w = None


def with_extra_args(sample, args):
    """execd's message of sample with its extra_args replaced."""
    msg = json.loads(message(sample))
    msg["parameters"]["extra_args"] = args
    return json.dumps(msg).encode() + b"\n"


class Restore(Base):
    """A rollback is never logged as a remediation; a dry run of one changes
    nothing; restore-last in execd's extra_args (the sweep's --restore) puts
    back the backup of the program's last change."""

    def results(self):
        return [r for r in self.w.log_records() if "warning" not in r]

    def test_dry_run_restore_changes_nothing(self):
        w = self.work("value_0_utf16.reg")
        self.assertEqual(w.run(message("ours_26032_failed.json")).returncode, 0)
        backup = w.backup_files()[0]
        hardened = w.reg_bytes()
        p = w.run(b"", "--dry-run", "--restore", backup)
        self.assertEqual(p.returncode, 4, p.stderr)
        r = self.results()[-1]
        self.assertEqual((r["status"], r["dry_run"], r["restored_from"]),
                         ("would_restore", True, backup), r)
        self.assertNotIn("backup", r)
        self.assertEqual(w.reg_bytes(), hardened)
        self.assertEqual(len(w.backup_files()), 1)
        p = w.run(b"", "--restore", backup)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.results()[-1]
        self.assertEqual((r["status"], r["command"]), ("restored", "restore"), r)
        self.assertIn(b"restored", p.stderr)
        self.assertNotIn(b"remediated", p.stderr)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 0))
        # Already restored: a dry run finds nothing to write, exit 0.
        p = w.run(b"", "--dry-run", "--restore", backup)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.results()[-1]
        self.assertEqual(r["status"], "restored", r)
        self.assertIn("nothing to write", r["reason"])

    def test_restore_last_from_execd(self):
        w = self.work("value_0_utf16.reg")
        last = with_extra_args("ours_26032_failed.json", ["restore-last"])
        # No change made on this machine yet: failed, with the reason.
        p = w.run(last)
        self.assertEqual(p.returncode, 1, p.stderr)
        r = self.results()[-1]
        self.assertEqual(r["status"], "failed", r)
        self.assertIn("no backup of a change by this program", r["error"])
        self.assertEqual(len(check_keys_lines(p.stdout)), 1)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 0))
        self.assertEqual(w.run(message("ours_26032_failed.json")).returncode, 0)
        remediation_backup = w.backup_files()[0]
        p = w.run(with_extra_args("ours_26032_failed.json", ["restore-last", "dry-run"]))
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertEqual(self.results()[-1]["status"], "would_restore")
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1))
        p = w.run(last)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.results()[-1]
        self.assertEqual((r["status"], r["command"], r["input"], r["restored_from"]),
                         ("restored", "restore", "execd", remediation_backup), r)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 0))
        # Again: the restore's own backup (the hardened value) is passed
        # over; the last change's state already stands, nothing is written.
        backups = w.backup_files()
        p = w.run(last)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.results()[-1]
        self.assertEqual((r["status"], r["restored_from"]), ("restored", remediation_backup))
        self.assertNotIn("backup", r)
        self.assertEqual(w.backup_files(), backups)


class NotOurs(Base):
    def test_not_ours_changes_nothing(self):
        for name in NOT_OURS:
            with self.subTest(name=name):
                w = self.work("value_0_utf16.reg")
                before = w.reg_bytes()
                p = w.run(message(name))
                self.assertEqual(p.returncode, 3, (name, p.stderr))
                self.assertEqual(w.reg_bytes(), before)
                self.assertEqual(w.backup_files(), [])
                r = self.assert_one_result("not_applicable")
                self.assertIn("reason", r)
                check_keys_lines(p.stdout)
                validate_log(self, w.log)
                w.cleanup()
                self.w = None

    def test_delete_keeps_hardening(self):
        w = self.work("compliant_utf16.reg")
        before = w.reg_bytes()
        p = w.run(message("ours_26032_delete.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, b"", "no handshake on delete")
        self.assertEqual(w.reg_bytes(), before)
        self.assert_one_result("kept")


class BadInput(Base):
    def test_bad_messages(self):
        for name in BAD:
            with self.subTest(name=name):
                w = self.work("value_0_utf16.reg")
                before = w.reg_bytes()
                p = w.run(message(name))
                self.assertEqual(p.returncode, 2, (name, p.stderr))
                self.assertEqual(p.stdout, b"")
                self.assertEqual(w.reg_bytes(), before)
                self.assertEqual(w.backup_files(), [])
                r = self.assert_one_result("invalid_input")
                self.assertTrue(r.get("error"))
                self.assertEqual(len(p.stderr.decode().strip().splitlines()), 1)
                validate_log(self, w.log)
                w.cleanup()
                self.w = None

    def test_oversized_line(self):
        w = self.work("value_0_utf16.reg")
        big = b'{"command":"add","x":"' + b"a" * (1024 * 1024 + 10) + b'"}\n'
        p = w.run(big)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"larger than", p.stderr)

    def test_unknown_option(self):
        w = self.work("value_0_utf16.reg")
        p = w.run(message("ours_26032_failed.json"), "--bogus")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 0))

    def test_corrupt_registry_file_is_a_failure(self):
        w = self.work(None)
        with open(w.reg, "wb") as f:
            f.write(b"\x00\x01binary\xff")
        p = w.run(message("ours_26032_failed.json"))
        self.assertEqual(p.returncode, 1)
        self.assertEqual(w.reg_bytes(), b"\x00\x01binary\xff")
        self.assert_one_result("failed")


class DryRun(Base):
    def test_dry_run_extra_arg(self):
        w = self.work("value_0_utf16.reg")
        before = w.reg_bytes()
        p = w.run(message("ours_26032_dry_run.json"))
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertEqual(w.reg_bytes(), before)
        self.assertEqual(w.backup_files(), [])
        self.assert_one_result("would_remediate")

    def test_dry_run_option(self):
        w = self.work("value_0_utf16.reg")
        before = w.reg_bytes()
        p = w.run(message("ours_26032_failed.json"), "--dry-run")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertEqual(w.reg_bytes(), before)

    def test_dry_run_compliant(self):
        w = self.work("compliant_utf16.reg")
        p = w.run(message("ours_26032_failed.json"), "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_one_result("compliant")


class Handshake(Base):
    """The program as execd drives it: the pipe stays open after the message."""

    def converse(self, reply, during=None, preexec_fn=None):
        w = self.work("value_0_utf16.reg")
        proc = subprocess.Popen(w.args(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, preexec_fn=preexec_fn)
        try:
            proc.stdin.write(message("ours_26032_failed.json"))
            proc.stdin.flush()
            line = proc.stdout.readline()
            self.assertEqual(len(check_keys_lines(line)), 1)
            self.assertEqual(json.loads(line)["parameters"]["keys"], ["26032"])
            if during is not None:
                during(proc)
            if reply is not None:
                msg = json.loads(message("ours_26032_failed.json"))
                msg["command"] = reply
                proc.stdin.write(json.dumps(msg).encode() + b"\n")
                proc.stdin.flush()
                # Our end stays open, as execd's does: the program must not
                # wait for end of input.
                rc = proc.wait(timeout=30)
            else:
                proc.stdin.close()
                rc = proc.wait(timeout=30)
            self.assertEqual(proc.stdout.read(), b"", "nothing after check_keys")
        finally:
            proc.kill()
            for f in (proc.stdin, proc.stdout, proc.stderr):
                if not f.closed:
                    f.close()
        return rc, w

    def test_continue(self):
        rc, w = self.converse("continue")
        self.assertEqual(rc, 0)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1))

    def test_abort(self):
        rc, w = self.converse("abort")
        self.assertEqual(rc, 3)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 0))
        self.assertEqual(w.backup_files(), [])
        self.assert_one_result("aborted")

    def test_end_of_input_is_continue(self):
        rc, w = self.converse(None)
        self.assertEqual(rc, 0)
        self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1))

    def test_no_core_dump_while_it_runs(self):
        """A crash mid-run leaves no core with a secret in it: the limit the
        running program has, read from outside while it waits for execd. It
        starts with cores allowed, so that only the program can lower it."""
        def zero(proc):
            self.assertEqual(core_limit(proc.pid), ["0", "0"])

        rc, _ = self.converse("continue", during=zero, preexec_fn=allow_cores)
        self.assertEqual(rc, 0)


class FieldBounds(Base):
    """Every field the program echoes is bounded: a 900,000-character agent
    name, title, policy or agent id still gives a check_keys line execd reads
    whole, and log and standard-error lines far below logcollector's 64 KiB;
    a name is cut with a visible mark."""

    def run_with(self, field, n):
        msg = json.loads(message("ours_26032_failed.json"))
        alert = msg["parameters"]["alert"]
        text = "\u00e9" * (n // 2) if field == "agent_name" else "x" * n
        if field == "agent_name":
            alert["agent"]["name"] = text
        elif field == "agent_id":
            alert["agent"]["id"] = text
        elif field == "policy":
            alert["data"]["sca"]["policy"] = text
        else:
            alert["data"]["sca"]["check"]["title"] = text
        w = self.work("value_0_utf16.reg")
        reply = dict(json.loads(message("ours_26032_failed.json")), command="continue")
        stdin = (json.dumps(msg, ensure_ascii=False) + "\n" + json.dumps(reply) + "\n").encode()
        p = w.run(stdin)
        assert_bounded(self, p.stdout, p.stderr, w.log)
        return p, w

    def test_long_agent_name_is_cut_with_a_mark(self):
        p, w = self.run_with("agent_name", 900000)
        self.assertEqual(p.returncode, 0, p.stderr[:500])
        lines = check_keys_lines(p.stdout)
        self.assertEqual(len(lines), 1)
        self.assertLessEqual(len(lines[0].encode()) + 1, CHECK_KEYS_MAX)
        name = self.assert_one_result("remediated")["agent_name"]
        self.assertTrue(name.endswith("[...]"), name[-40:])
        self.assertTrue(name.startswith("\u00e9" * 10), name[:40])
        self.assertLess(len(name.encode()), 1024)

    def test_long_policy_and_agent_id(self):
        for field in ("policy", "agent_id"):
            with self.subTest(field=field):
                p, w = self.run_with(field, 900000)
                self.assertEqual(p.returncode, 0, p.stderr[:500])
                self.assertTrue(self.assert_one_result("remediated")[field].endswith("[...]"))
                validate_log(self, w.log)
                w.cleanup()
                self.w = None

    def test_long_title_is_not_ours_and_not_echoed(self):
        p, w = self.run_with("title", 900000)
        self.assertEqual(p.returncode, 3, p.stderr[:500])
        self.assertNotIn(b"xxxxxxxxxx", p.stderr)


class LogFailure(Base):
    def test_log_that_is_a_folder_stops_the_run_before_any_change(self):
        # A folder where the log file should be: the result could not be
        # logged, so nothing is done (a log that fails only when written, a
        # full disk, leaves the outcome as it is: tests/unit/test_faults.c).
        w = self.work("value_0_utf16.reg")
        args = w.args()
        os.mkdir(w.log)
        before = w.reg_bytes()
        p = subprocess.run(args, input=message("ours_26032_failed.json"), capture_output=True,
                           check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(w.reg_bytes(), before)
        self.assertIn(("log: %s is not a regular file" % w.log).encode(), p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)
        self.assertFalse(os.path.exists(w.backups))
        os.rmdir(w.log)


class AgentFolder(unittest.TestCase):
    """Without --log-file the log is the agent's: the agent folder is the one
    the program is installed under (<agent>/active-response/bin), found from
    the executable alone; elsewhere there is none, and the run is refused."""

    def setUp(self):
        self.agent = tempfile.mkdtemp(prefix="ar-agent-")
        self.reg = os.path.join(self.agent, "registry.reg")
        shutil.copyfile(data("registry", "value_0_utf16.reg"), self.reg)

    def tearDown(self):
        shutil.rmtree(self.agent, ignore_errors=True)

    def run_from(self, *parts, cwd, code=0):
        folder = os.path.join(self.agent, *parts)
        os.makedirs(folder)
        exe = os.path.join(folder, PROGRAM)
        shutil.copy2(program(), exe)
        p = subprocess.run([exe, "--registry-file", self.reg],
                           input=message("ours_26032_failed.json"), capture_output=True,
                           cwd=cwd, check=False)
        self.assertEqual(p.returncode, code, p.stderr)
        return p

    def statuses(self, log):
        return [r["status"] for r in read_log(log) if "warning" not in r]

    def test_installed_in_active_response_bin(self):
        self.run_from("active-response", "bin", cwd="/")
        log = os.path.join(self.agent, "logs", "active-responses.log")
        self.assertEqual(self.statuses(log), ["remediated"])

    def test_elsewhere_no_agent_and_no_working_folder(self):
        work = os.path.join(self.agent, "work")
        os.mkdir(work)
        # POSIX names keep their case: this is not the agent's bin folder; nor
        # is the working folder an agent: nowhere to log, refused.
        p = self.run_from("Active-Response", "bin", cwd=work, code=2)
        self.assertIn(b"--log-file", p.stderr)
        self.assertEqual(os.listdir(work), [])
        self.assertFalse(os.path.exists(os.path.join(self.agent, "logs")))
        with open(self.reg, "rb") as f:
            self.assertEqual(reg_value(f.read())[0], ("dword", 0))


class Cli(unittest.TestCase):
    def test_version_and_help(self):
        p = subprocess.run([program(), "--version"], capture_output=True, check=False)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(p.stdout.startswith(PROGRAM.encode()))
        p = subprocess.run([program(), "--help"], capture_output=True, check=False)
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"--registry-file", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
