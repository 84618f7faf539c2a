"""The files the program opens, end to end on the native build.

- A FIFO or a device where a file goes (the log, the configuration, the
  backup given to --restore, the history, the API's token, the .reg
  registry) is refused, naming it, without waiting: a FIFO's open waits for
  its other end, and a run held so would hold the agent. Each run has a time
  limit; a log that cannot take the result stops the run before the
  registry is touched.
- Files the program writes get its own modes, never those of the file they
  replace (setuid, world-write).
- Every file in the folders it keeps state in is opened, renamed and
  removed relative to the folder opened and checked, never by a path that
  could lead elsewhere once the folder is swapped: shown by the system
  calls themselves (strace)."""

import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

from arprog import PROGRAM, Workdir, message, reg_value, unreachable_config

LIMIT = 10  # seconds: a run waiting on a FIFO never ends by itself


class Fifos(unittest.TestCase):
    def setUp(self):
        self.w = Workdir("value_0_utf16.reg")
        self.before = self.w.reg_bytes()

    def tearDown(self):
        self.w.cleanup()

    def fifo(self, *parts):
        path = os.path.join(self.w.dir, *parts)
        os.makedirs(os.path.dirname(path), 0o700, exist_ok=True)
        os.mkfifo(path, 0o600)
        return path

    def run_once(self, *extra):
        p = self.w.run(message("ours_26032_failed.json"), *extra, timeout=LIMIT)
        self.stderr = p.stderr.decode("utf-8")
        return p.returncode

    def config(self):
        return unreachable_config(self.w.dir)

    def assert_unchanged(self):
        self.assertEqual(self.w.reg_bytes(), self.before)
        self.assertEqual(self.w.backup_files(), [])

    def test_log_fifo_stops_the_run_before_any_change(self):
        os.remove(self.w.log) if os.path.exists(self.w.log) else None
        os.mkfifo(self.w.log, 0o600)
        self.assertEqual(self.run_once(), 1, self.stderr)
        self.assertIn("log: %s is not a regular file" % self.w.log, self.stderr)
        self.assert_unchanged()

    def test_log_on_a_device_stops_the_run_before_any_change(self):
        args = self.w.args()
        args[args.index("--log-file") + 1] = "/dev/null"
        p = subprocess.run(args, input=message("ours_26032_failed.json"), capture_output=True,
                           timeout=LIMIT, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(b"log: /dev/null is not a regular file", p.stderr)
        self.assertEqual(self.w.reg_bytes(), self.before)
        self.assertFalse(os.path.exists("/dev/" + PROGRAM + "-backups"))

    def test_configuration_fifo_is_not_read(self):
        path = self.fifo("report.json")
        self.assertEqual(self.run_once("--config", path), 0, self.stderr)
        self.assertIn("%s is not a regular file" % path, self.stderr)
        self.assertEqual(self.w.result()["status"], "remediated")

    def test_restore_from_a_fifo_or_a_device_changes_nothing(self):
        for path in (self.fifo("backup.reg"), "/dev/zero"):
            self.assertEqual(self.run_once("--restore", path), 1, self.stderr)
            self.assertIn("%s is not a regular file" % path, self.stderr)
            self.assert_unchanged()

    def test_history_fifo_is_not_read(self):
        path = self.fifo(PROGRAM + "-backups", PROGRAM + "-history.json")
        self.assertEqual(self.run_once(), 0, self.stderr)
        self.assertIn("%s ignored and started anew" % path, self.stderr)
        self.assertIn("not a regular file", self.stderr)
        self.assertEqual(self.w.result()["status"], "remediated")
        # Saved in its place as a regular file of the program's own.
        self.assertTrue(stat.S_ISREG(os.lstat(path).st_mode))

    def test_token_fifo_is_not_read(self):
        self.fifo(PROGRAM + "-spool", "token")
        self.assertEqual(self.run_once("--config", self.config()), 0, self.stderr)
        self.assertEqual(self.w.result()["status"], "remediated")
        self.assertIn("report not sent", self.stderr)

    def test_registry_fifo_is_not_read(self):
        os.remove(self.w.reg)
        os.mkfifo(self.w.reg, 0o600)
        self.assertEqual(self.run_once(), 1, self.stderr)
        self.assertIn("%s is not a regular file" % self.w.reg, self.stderr)
        self.assertTrue(stat.S_ISFIFO(os.lstat(self.w.reg).st_mode))


class Modes(unittest.TestCase):
    """A file the program rewrites gets its own mode: the .reg registry 0644,
    the history 0600, whatever the old file had."""

    def setUp(self):
        self.w = Workdir("value_0_utf16.reg")

    def tearDown(self):
        self.w.cleanup()

    def mode(self, path):
        return stat.S_IMODE(os.lstat(path).st_mode)

    def test_replaced_files_get_the_programs_modes(self):
        history = os.path.join(self.w.backups, PROGRAM + "-history.json")
        os.makedirs(self.w.backups, 0o700)
        with open(history, "w", encoding="utf-8") as f:
            f.write('{"format":1,"events":[]}\n')
        for path in (self.w.reg, history):
            os.chmod(path, 0o4777)
        p = self.w.run(message("ours_26032_failed.json"), timeout=LIMIT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(reg_value(self.w.reg_bytes())[0], ("dword", 1))
        self.assertEqual(self.mode(self.w.reg), 0o644)
        self.assertEqual(self.mode(history), 0o600)
        for backup in self.w.backup_files():
            self.assertEqual(self.mode(backup), 0o600)


# The calls that act on a file by name; each names its path in quotes.
TRACED = ("open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,"
          "chmod,fchmodat,chown,fchownat,lchown,link,linkat,symlink,symlinkat,truncate")
CALL = re.compile(r'^(?:\[pid\s+\d+\]\s+)?(\w+)\((.*)$')


@unittest.skipUnless(shutil.which("strace"), "strace is not installed")
class RelativeToCheckedFolders(unittest.TestCase):
    """Under strace: every open, rename and removal of a file in the folder
    of the log (and of the configuration and the .reg registry), the backups
    folder and the spool is relative to a descriptor of that folder; only
    the folders themselves are opened (O_DIRECTORY) or made by name."""

    def setUp(self):
        self.w = Workdir("value_0_utf16.reg")
        self.spool = os.path.join(self.w.dir, PROGRAM + "-spool")
        # A log folder another user owns and may write: the case where a
        # swap between the check and the use could be made.
        os.chmod(self.w.dir, 0o755)
        os.chown(self.w.dir, 65534, 65534)

    def tearDown(self):
        self.w.cleanup()

    def config(self):
        return unreachable_config(self.w.dir)

    def by_name_inside(self, trace):
        """The calls that reach a file inside the folders by its path."""
        root = self.w.dir + "/"
        bad = []
        for line in trace.splitlines():
            m = CALL.match(line)
            if not m:
                continue
            call, args = m.groups()
            for path in re.findall(r'"((?:[^"\\]|\\.)*)"', args):
                if not path.startswith(root) and path != self.w.dir:
                    continue
                folder = path in (self.w.dir, self.w.backups, self.spool)
                if folder and (call in ("mkdir", "mkdirat") or "O_DIRECTORY" in args):
                    continue
                bad.append(line)
        return bad

    def traced_run(self, *extra):
        out = os.path.join(tempfile.mkdtemp(prefix="ar-strace-"), "trace")
        try:
            args = ["strace", "-f", "-qq", "-s", "4096", "-e", "trace=" + TRACED, "-o", out,
                    *self.w.args(*extra)]
            # LeakSanitizer cannot run under ptrace (a sanitizer build).
            env = dict(os.environ, ASAN_OPTIONS=":".join(
                filter(None, [os.environ.get("ASAN_OPTIONS"), "detect_leaks=0"])))
            p = subprocess.run(args, input=message("ours_26032_failed.json"),
                               capture_output=True, timeout=60, check=False, env=env)
            with open(out, encoding="utf-8", errors="replace") as f:
                return p, f.read()
        finally:
            shutil.rmtree(os.path.dirname(out), ignore_errors=True)

    def test_files_in_state_folders_are_reached_through_the_folder(self):
        p, trace = self.traced_run("--config", self.config())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(reg_value(self.w.reg_bytes())[0], ("dword", 1))
        # The run did use every folder: a backup, the history, the spool.
        self.assertEqual(len(self.w.backup_files()), 1)
        self.assertTrue(os.listdir(self.spool))
        self.assertIn('"%s-history.json' % PROGRAM, trace)
        self.assertEqual(self.by_name_inside(trace), [])
        # The trace would show a call by name: the check is not idle.
        self.assertNotEqual(self.by_name_inside('openat(AT_FDCWD, "%s", O_RDONLY) = 3'
                                                % os.path.join(self.w.backups, "x.reg")), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
