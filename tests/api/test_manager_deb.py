"""The manager's .deb (packaging/wazuh/build-deb.sh): its control fields
(no library among its dependencies: the sweep inside is the static one,
AR_STATIC_SWEEP or built by build-static-sweep.sh), exactly the files it
should hold with their modes, its root folder open to all, a sweep that
runs from it, an example configuration its own schema accepts, rules and
ossec.conf blocks that parse, checksums that match, the same bytes when
built twice, and its line in SHA256SUMS.manager."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SWEEP = None
PKG = "win-ms-network-client-sign-if-server-agrees-manager"
EXE = "win_ms_network_client_sign_if_server_agrees_sweep"
SHARE = "./usr/share/" + PKG + "/"
FILES = {"./usr/bin/" + EXE: "-rwxr-xr-x",
         SHARE + "win_ms_network_client_sign_rules.xml": "-rw-r--r--",
         SHARE + "manager-setup.sh": "-rwxr-xr-x",
         SHARE + "ossec.conf": "-rw-r--r--",
         SHARE + "api-user.sh": "-rwxr-xr-x",
         SHARE + "sweep-config.example.json": "-rw-r--r--",
         SHARE + "sweep-config.schema.json": "-rw-r--r--",
         SHARE + "README.md": "-rw-r--r--",
         "./usr/share/doc/" + PKG + "/copyright": "-rw-r--r--"}


def static_sweep(out):
    if os.environ.get("AR_STATIC_SWEEP"):
        return os.environ["AR_STATIC_SWEEP"]
    p = subprocess.run([os.path.join(ROOT, "packaging", "wazuh", "build-static-sweep.sh"), out],
                       capture_output=True, check=True)
    return p.stdout.decode().strip().splitlines()[-1]


def build(out):
    env = dict(os.environ, AR_SWEEP=SWEEP, SOURCE_DATE_EPOCH="1700000000")
    p = subprocess.run([os.path.join(ROOT, "packaging", "wazuh", "build-deb.sh"), out],
                       capture_output=True, check=True, env=env)
    return p.stdout.decode().strip()


class ManagerDeb(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        global SWEEP
        cls.dir = tempfile.mkdtemp(prefix="ar-deb-")
        SWEEP = static_sweep(os.path.join(cls.dir, "static"))
        cls.deb = build(os.path.join(cls.dir, "a"))
        cls.root = os.path.join(cls.dir, "root")
        subprocess.run(["dpkg-deb", "-R", cls.deb, cls.root], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def field(self, name):
        return subprocess.run(["dpkg-deb", "-f", self.deb, name], capture_output=True,
                              check=True).stdout.decode().strip()

    def test_control(self):
        with open(os.path.join(ROOT, "meson.build"), encoding="utf-8") as f:
            version = re.search(r"version: '([^']+)'", f.read()).group(1)
        self.assertEqual(self.field("Package"), PKG)
        self.assertEqual(self.field("Version"), version)
        self.assertEqual(os.path.basename(self.deb), "%s_%s_%s.deb" % (
            PKG, version, self.field("Architecture")))
        self.assertEqual(self.field("Depends"), "")
        self.assertEqual(self.field("Pre-Depends"), "")

    def test_root_folder_open_to_all(self):
        listing = subprocess.run(["dpkg-deb", "-c", self.deb], capture_output=True,
                                 check=True).stdout.decode().splitlines()
        self.assertTrue(listing[0].startswith("drwxr-xr-x root/root"), listing[0])
        self.assertTrue(listing[0].endswith(" ./"), listing[0])

    def test_a_dynamic_sweep_is_refused(self):
        env = dict(os.environ, AR_SWEEP=sys.executable)
        p = subprocess.run([os.path.join(ROOT, "packaging", "wazuh", "build-deb.sh"),
                            os.path.join(self.dir, "dyn")], capture_output=True, env=env,
                           check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"linked dynamically", p.stderr)

    def test_listed_in_the_checksums(self):
        with open(os.path.join(os.path.dirname(self.deb), "SHA256SUMS.manager"),
                  encoding="utf-8") as f:
            sums = dict(reversed(line.split()) for line in f.read().splitlines())
        with open(self.deb, "rb") as f:
            self.assertEqual(sums[os.path.basename(self.deb)], hashlib.sha256(f.read()).hexdigest())

    def test_exactly_these_files(self):
        listing = subprocess.run(["dpkg-deb", "-c", self.deb], capture_output=True,
                                 check=True).stdout.decode().splitlines()
        files = {}
        for line in listing:
            mode, owner, _size, _date, _time, path = line.split(None, 5)
            if not mode.startswith("d"):
                files[path] = mode
            self.assertEqual(owner, "root/root", line)
        self.assertEqual(files, FILES)

    def test_checksums_match(self):
        with open(os.path.join(self.root, "DEBIAN", "md5sums"), encoding="utf-8") as f:
            sums = dict(reversed(line.split(None, 1)) for line in f.read().splitlines())
        self.assertEqual(set(sums), {p[2:] for p in FILES})
        for path, md5 in sums.items():
            with open(os.path.join(self.root, path), "rb") as f:
                self.assertEqual(hashlib.md5(f.read()).hexdigest(), md5, path)

    def test_the_sweep_runs_from_the_package(self):
        exe = os.path.join(self.root, "usr", "bin", EXE)
        p = subprocess.run([exe, "--version"], capture_output=True, check=False)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(p.stdout.startswith(EXE.encode()))
        p = subprocess.run([exe], capture_output=True, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--config", p.stderr)

    def test_example_configuration_and_wazuh_files(self):
        share = os.path.join(self.root, "usr", "share", PKG)
        with open(os.path.join(share, "sweep-config.schema.json"), encoding="utf-8") as f:
            v = Draft202012Validator(json.load(f))
        with open(os.path.join(share, "sweep-config.example.json"), encoding="utf-8") as f:
            self.assertTrue(v.is_valid(json.load(f)))
        for name in ("win_ms_network_client_sign_rules.xml", "ossec.conf"):
            with open(os.path.join(share, name), encoding="utf-8") as f:
                tree = ET.fromstring("<root>" + f.read() + "</root>")
            self.assertTrue(tree.findall(".//rule") or tree.findall(".//active-response"))

    def test_same_bytes_when_built_twice(self):
        again = build(os.path.join(self.dir, "b"))
        with open(self.deb, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
