"""Where the program looks for its configuration: only beside the agent's own
log, found from the executable's location (<agent>/active-response/bin), or
where --config says. A configuration planted in the working folder or beside
a --log-file, naming a password file and a URL, is never used: the HTTPS
stand-in of the API (fake_wazuh_api.py) receives nothing."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import test_report as api  # the stand-in server and the test CA
from arprog import PROGRAM, data, message, program, read_log, reg_value


class PlantedConfig(api.ApiTestCase):
    def setUp(self):
        self.server = self.serve()
        self.dir = tempfile.mkdtemp(prefix="ar-paths-")
        self.reg = os.path.join(self.dir, "registry.reg")
        shutil.copyfile(data("registry", "value_0_utf16.reg"), self.reg)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def plant(self, folder):
        """A configuration in folder/<program>.config.json whose password file
        is any file the program can read, sent to the stand-in."""
        os.makedirs(folder, exist_ok=True)
        secret = os.path.join(self.dir, "any-readable-file")
        with open(secret, "w", encoding="utf-8") as f:
            f.write(api.PASSWORD + "\n")
        os.chmod(secret, 0o600)
        cfg = {"api": {"url": "https://127.0.0.1:%d" % self.server.port, "user": api.USER,
                       "password_file": secret,
                       "ca_file": self.ca, "timeout_seconds": 3}}
        with open(os.path.join(folder, PROGRAM + ".config.json"), "w", encoding="utf-8") as f:
            json.dump(cfg, f)

    def run_exe(self, exe, *args, cwd):
        p = subprocess.run([exe, "--registry-file", self.reg, *args],
                           input=message("ours_26032_failed.json"), capture_output=True,
                           cwd=cwd, timeout=60, check=False)
        self.assertEqual(len(p.stderr.decode().strip().splitlines()), 1, p.stderr)
        return p

    def installed(self, agent):
        """The program copied into an agent's layout."""
        bin_dir = os.path.join(agent, "active-response", "bin")
        os.makedirs(bin_dir)
        exe = os.path.join(bin_dir, PROGRAM)
        shutil.copy2(program(), exe)
        return exe

    def test_working_folder_is_never_the_agent(self):
        work = os.path.join(self.dir, "work")
        self.plant(os.path.join(work, "logs"))
        p = self.run_exe(program(), cwd=work)
        # Nowhere to log, back up or spool: refused, nothing written or sent.
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(b"--log-file", p.stderr)
        self.assertEqual(self.server.requests(), [])
        self.assertEqual(sorted(os.listdir(os.path.join(work, "logs"))),
                         [PROGRAM + ".config.json"])
        with open(self.reg, "rb") as f:
            self.assertEqual(reg_value(f.read())[0], ("dword", 0))

    def test_no_default_configuration_beside_a_log_file(self):
        logs = os.path.join(self.dir, "logs")
        self.plant(logs)
        log = os.path.join(logs, "active-responses.log")
        p = self.run_exe(program(), "--log-file", log, cwd=self.dir)
        # The registry is fixed; the configuration beside the log is not read.
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"config.json not read: outside an agent's active-response folder only "
                      b"--config names a configuration", p.stderr)
        self.assertEqual(self.server.requests(), [])
        self.assertEqual([r["status"] for r in read_log(log) if "warning" not in r], ["remediated"])

    def test_inside_an_agent_the_default_configuration_is_used(self):
        # The control case: the same configuration where the agent keeps it
        # is read and the stand-in receives the report.
        agent = os.path.join(self.dir, "agent")
        exe = self.installed(agent)
        self.plant(os.path.join(agent, "logs"))
        p = self.run_exe(exe, cwd="/")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.server.events()), 1, p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
