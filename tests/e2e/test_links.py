"""Links and the folders the program keeps state in, end to end on the native
build. Nothing is written through a symbolic link the program did not make
(the backups folder, the spool, lock files, the log), nor are the
permissions of its target changed; when the backup cannot be made safely the
run fails and the registry is not written. Every folder holding state or
secrets (backups with the history and its lock, the spool with the token)
is owner-only after every run that uses it, whatever it was before, and a
lock someone else holds where the history's lock used to be changes
nothing."""

import fcntl
import os
import shutil
import stat
import unittest

from arprog import PROGRAM, Workdir, message, reg_value, unreachable_config


class Links(unittest.TestCase):
    def setUp(self):
        self.w = Workdir("value_0_utf16.reg")
        self.elsewhere = os.path.join(self.w.dir, "elsewhere")
        os.mkdir(self.elsewhere, 0o755)
        os.chmod(self.elsewhere, 0o755)

    def tearDown(self):
        self.w.cleanup()

    def run_once(self, *extra):
        p = self.w.run(message("ours_26032_failed.json"), *extra)
        self.stderr = p.stderr.decode("utf-8", "replace")
        return p.returncode

    def config(self):
        return unreachable_config(self.w.dir)

    def spool(self):
        return os.path.join(self.w.dir, PROGRAM + "-spool")

    def mode(self, path):
        return stat.S_IMODE(os.lstat(path).st_mode)

    def assert_elsewhere_untouched(self):
        self.assertEqual(os.listdir(self.elsewhere), [])
        self.assertEqual(self.mode(self.elsewhere), 0o755)

    def test_backups_folder_that_is_a_link_is_refused(self):
        os.symlink(self.elsewhere, self.w.backups)
        self.assertEqual(self.run_once(), 1, self.stderr)
        self.assertIn("link", self.stderr)
        self.assertEqual(self.w.result()["status"], "failed")
        self.assertEqual(reg_value(self.w.reg_bytes())[0], ("dword", 0))
        self.assert_elsewhere_untouched()

    def test_spool_that_is_a_link_is_not_written_through(self):
        os.symlink(self.elsewhere, self.spool())
        # Reporting never changes the exit status: the registry is fixed.
        self.assertEqual(self.run_once("--config", self.config()), 0, self.stderr)
        self.assertIn("link", self.stderr)
        self.assert_elsewhere_untouched()

    def test_lock_files_that_are_links_are_not_followed(self):
        # The spool and the backups folder as an agent upgrade may leave them
        # (open to others), with a lock planted in each as a link.
        victim = os.path.join(self.elsewhere, "victim")
        os.makedirs(self.spool(), 0o755)
        os.makedirs(self.w.backups, 0o755)
        os.symlink(victim, os.path.join(self.spool(), "sending.lock"))
        os.symlink(victim, os.path.join(self.w.backups, PROGRAM + "-history.lock"))
        self.assertEqual(self.run_once("--config", self.config()), 0, self.stderr)
        self.assertFalse(os.path.lexists(victim), "created through a link")
        self.assertIn("history not used this run", self.stderr)

    def test_log_that_is_a_link_is_not_written_through(self):
        victim = os.path.join(self.elsewhere, "victim")
        with open(victim, "w", encoding="utf-8") as f:
            f.write("theirs\n")
        os.symlink(victim, self.w.log)
        before = self.w.reg_bytes()
        # Refused before anything is changed: the result could not be logged.
        self.assertEqual(self.run_once(), 1, self.stderr)
        self.assertIn("log: %s is a link the program did not make" % self.w.log, self.stderr)
        with open(victim, encoding="utf-8") as f:
            self.assertEqual(f.read(), "theirs\n")
        self.assertEqual(self.w.reg_bytes(), before)
        self.assertFalse(os.path.exists(self.w.backups))

    def test_registry_file_that_is_a_link_is_replaced_not_written_through(self):
        # The .reg registry is replaced by rename: a link there is replaced,
        # its target left as it was (a guard: it held before links were
        # refused elsewhere).
        victim = os.path.join(self.elsewhere, "victim.reg")
        os.rename(self.w.reg, victim)
        os.chmod(victim, 0o644)
        with open(victim, "rb") as f:
            before = f.read()
        os.symlink(victim, self.w.reg)
        self.assertEqual(self.run_once(), 0, self.stderr)
        with open(victim, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(self.mode(victim), 0o644)
        self.assertFalse(os.path.islink(self.w.reg))
        self.assertEqual(reg_value(self.w.reg_bytes())[0], ("dword", 1))

    def test_state_folders_are_made_private_again(self):
        # Opened up (as an agent upgrade resets the ACLs of its tree): each
        # run that uses them closes them first.
        os.makedirs(self.spool(), 0o755)
        os.makedirs(self.w.backups, 0o755)
        os.chmod(self.spool(), 0o755)
        os.chmod(self.w.backups, 0o755)
        self.assertEqual(self.run_once("--config", self.config()), 0, self.stderr)
        self.assertEqual(self.mode(self.spool()), 0o700)
        self.assertEqual(self.mode(self.w.backups), 0o700)
        # The history and its lock live in the private folder.
        self.assertTrue(os.path.exists(os.path.join(self.w.backups, PROGRAM + "-history.json")))
        self.assertTrue(os.path.exists(os.path.join(self.w.backups, PROGRAM + "-history.lock")))

    def test_spool_is_made_private_again_by_a_run_that_does_not_report(self):
        # The spool holds the reports and the API's token: a run without a
        # configuration (nothing to report) closes it again all the same.
        os.makedirs(self.spool(), 0o755)
        os.chmod(self.spool(), 0o755)
        self.assertEqual(self.run_once(), 0, self.stderr)
        self.assertEqual(self.mode(self.spool()), 0o700)

    def test_a_lock_held_where_anyone_can_write_changes_nothing(self):
        # Another user holds a lock file of the history's name in the folder
        # beside the log (writable by others): the history is still used.
        path = os.path.join(self.w.dir, PROGRAM + "-history.lock")
        with open(path, "w", encoding="utf-8") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            self.assertEqual(self.run_once(), 0, self.stderr)
        self.assertNotIn("history not used", self.stderr)
        self.assertEqual(self.w.result()["status"], "remediated")


if __name__ == "__main__":
    unittest.main(verbosity=2)
