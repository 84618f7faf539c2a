"""The static sweep (packaging/wazuh/build-static-sweep.sh) inside an empty
chroot holding only the program, its configuration, its password file, the
manager's ossec.conf (whose <extra_args> it sends) and a CA file, against the HTTPS stand-in of the API on loopback: a full dry
run, the system CA bundle found where RHEL or Debian keeps it when the
configuration names none, and a server another CA signed, one whose
certificate names another host, and one with no CA to check it all
refused. Needs
root (chroot); the program is AR_STATIC_SWEEP."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from arprog import data  # noqa: E402
from fleet import expected, make_fleet  # noqa: E402
from test_report import PASSWORD, USER, ApiTestCase, make_pki  # noqa: E402

SWEEP = os.environ.get("AR_STATIC_SWEEP", "")
DISPATCH = "would dispatch !win_ms_network_client_sign_if_server_agrees.exe to agent %s "


@unittest.skipUnless(os.geteuid() == 0, "chroot needs root")
@unittest.skipUnless(os.path.isfile(SWEEP), "AR_STATIC_SWEEP names no static sweep")
class StaticSweepInChroot(ApiTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ar-chroot-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.root = os.path.join(self.dir, "root")
        os.makedirs(os.path.join(self.root, "etc"))
        shutil.copy2(SWEEP, os.path.join(self.root, "sweep"))
        path = os.path.join(self.dir, "fleet.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(make_fleet(60, seed=5), f)
        with open(path, encoding="utf-8") as f:
            self.fleet = json.load(f)
        self.server = self.serve(fleet=path)

    def put(self, path, data, mode=0o644):
        full = os.path.join(self.root, path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        os.chmod(full, mode)

    def ca_bytes(self, pki=None):
        with open(os.path.join(pki or self.pki, "ca.pem"), "rb") as f:
            return f.read()

    def run_sweep(self, ca_file):
        api = {"url": "https://localhost:%d" % self.server.port, "user": USER,
               "password_file": "/etc/ar.secret", "timeout_seconds": 10}
        if ca_file is not None:
            api["ca_file"] = ca_file
        self.put("/etc/ar.secret", (PASSWORD + "\n").encode(), 0o600)
        with open(data("ossec_conf", "manager_shipped.conf"), "rb") as f:
            self.put("/etc/ossec.conf", f.read())
        self.put("/etc/sweep.json", json.dumps(
            {"api": api, "max_requests_per_minute": 100000,
             "ossec_conf": "/etc/ossec.conf"}).encode())
        self.assertEqual(sorted(os.listdir(self.root)), ["etc", "sweep"])
        return subprocess.run(["chroot", self.root, "/sweep", "--config", "/etc/sweep.json",
                               "--dry-run"], capture_output=True, timeout=300, check=False)

    def assert_full_dry_run(self, p):
        err = p.stderr.decode()
        self.assertEqual(p.returncode, 0, err)
        s = json.loads(p.stdout.decode().splitlines()[-1])
        failing, _ = expected(self.fleet)
        self.assertGreater(len(failing), 0)
        self.assertEqual(s["failing"], len(failing))
        self.assertEqual(s["skipped"]["dry_run"], len(failing))
        self.assertEqual(s["dispatched"], 0)
        for agent in failing:
            self.assertIn(DISPATCH % agent, err)
        made = [r for r in self.server.requests() if "headers" in r]
        self.assertTrue(any(r["path"].startswith("/sca/") for r in made))
        self.assertEqual([r for r in made if r["method"] == "PUT"], [])
        return err

    def test_full_dry_run_with_its_ca_file(self):
        self.put("/etc/api-ca.pem", self.ca_bytes())
        err = self.assert_full_dry_run(self.run_sweep("/etc/api-ca.pem"))
        self.assertNotIn("CA bundle:", err)

    def test_the_system_bundle_where_rhel_keeps_it_when_none_is_named(self):
        self.put("/etc/pki/tls/certs/ca-bundle.crt", self.ca_bytes())
        err = self.assert_full_dry_run(self.run_sweep(None))
        self.assertEqual([line for line in err.splitlines() if line.startswith("CA bundle:")],
                         ["CA bundle: /etc/pki/tls/certs/ca-bundle.crt (the system's; "
                          "api.ca_file names none)"])

    def test_the_system_bundle_where_debian_keeps_it_comes_first(self):
        self.put("/etc/ssl/certs/ca-certificates.crt", self.ca_bytes())
        self.put("/etc/ssl/ca-bundle.pem", b"not a certificate\n")
        err = self.assert_full_dry_run(self.run_sweep(None))
        self.assertIn("CA bundle: /etc/ssl/certs/ca-certificates.crt ", err)

    def test_a_server_another_ca_signed_is_refused(self):
        other = tempfile.mkdtemp(prefix="ar-pki-other-")
        self.addCleanup(shutil.rmtree, other, True)
        make_pki(other, ca_name="another CA")
        self.put("/etc/api-ca.pem", self.ca_bytes(other))
        self.put("/etc/pki/tls/certs/ca-bundle.crt", self.ca_bytes())
        p = self.run_sweep("/etc/api-ca.pem")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(self.server.requests(), [], p.stderr)
        self.assertIn(b"NOT_TRUSTED", p.stderr)
        self.assertNotIn(b"CA bundle:", p.stderr)

    def test_no_ca_at_all_is_refused(self):
        p = self.run_sweep(None)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(self.server.requests(), [], p.stderr)
        self.assertIn(b"verif", p.stderr.lower())

    def test_a_certificate_for_another_name_is_refused(self):
        self.server = self.serve(cert="wrong")
        self.put("/etc/api-ca.pem", self.ca_bytes())
        p = self.run_sweep("/etc/api-ca.pem")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(self.server.requests(), [], p.stderr)
        self.assertIn(b"CN_MISMATCH", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
