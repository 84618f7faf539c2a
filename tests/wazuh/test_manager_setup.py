#!/usr/bin/python3
"""packaging/wazuh/manager-setup.sh and the rules file it installs, judged by
a real Wazuh v4.14.7 manager given to the tests (WAZUH_MANAGER=DIR, default
/var/ossec when it holds bin/wazuh-analysisd). Every test works on a copy of
that folder; the given one is never changed.

- the script installs our rules file (root:wazuh 0660) and the ossec.conf
  block, wazuh-analysisd -t accepts the result, local_rules.xml is untouched;
  run again it changes nothing; a block added by hand, or our begin line
  without its end, is refused with nothing changed;
- a rules file the real -t refuses (a <field> naming the static field
  status) gives exit 1 and the previous files back, byte for byte, on a
  first install and on an upgrade; a write that fails halfway, exit 3 and
  the previous files back;
- --remove gives back the original ossec.conf byte for byte and removes our
  rules file;
- events through the real wazuh-analysisd (and wazuh-db, for the SCA
  decoder) of the copy: a warning line ends at a rule of ours of level 4 or
  more in group sca_remediation, a rollback (restored) at level 7 or more, a
  dry run's would_restore at a rule of ours, the line packaging/wazuh/README.md
  gives for wazuh-logtest at the rule it names; our failed check dispatches the
  active response at level 7 under 19007 and at level 9 under 19011 and
  19014, the stock rules' own levels.

Ends with "N passed, M failed"; with no manager given, says so in one line
("skipped: no WAZUH_MANAGER given ...") and ends with "0 passed, 0 failed"."""

import grp
import json
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, HERE)
os.environ.setdefault("AR_PROGRAM", os.path.join(
    ROOT, "build", "active-response", "win_ms_network_client_sign_if_server_agrees"))

import manager_io  # noqa: E402
from arprog import run_command as run, run_counted  # noqa: E402
from sca_table import Table, agent_event  # noqa: E402

PACKAGING = os.path.join(ROOT, "packaging", "wazuh")
SETUP = os.path.join(PACKAGING, "manager-setup.sh")
RULES = "win_ms_network_client_sign_rules.xml"
COMMAND = "win-ms-network-client-sign"
PROGRAM = "win_ms_network_client_sign_if_server_agrees"
BEGIN = "<!-- %s: begin" % COMMAND


GIVEN = None  # the manager given, set by main()


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def owner(path):
    st = os.lstat(path)
    return (pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name,
            stat.S_IMODE(st.st_mode))


class Copy:
    """A copy of the given manager in a folder of its own."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="ar-setup-")
        self.dir = os.path.join(self.base, "ossec")
        run("cp", "-a", GIVEN, self.dir)
        self.conf = os.path.join(self.dir, "etc", "ossec.conf")
        self.rules = os.path.join(self.dir, "etc", "rules", RULES)
        self.local = os.path.join(self.dir, "etc", "rules", "local_rules.xml")

    def setup(self, *args, script=SETUP):
        return run("sh", script, "--ossec-dir", self.dir, *args, check=False)

    def analysisd_t(self):
        return run(os.path.join(self.dir, "bin", "wazuh-analysisd"), "-t", check=False)

    def close(self):
        shutil.rmtree(self.base, ignore_errors=True)


def broken_share(base):
    """The script and our files in a folder of their own, the rules broken
    in the way the real manager refuses: a <field> naming the static field
    status ("Field 'status' is static")."""
    share = os.path.join(base, "share")
    os.mkdir(share)
    for name in ("manager-setup.sh", "ossec.conf", RULES):
        shutil.copy(os.path.join(PACKAGING, name), share)
    path = os.path.join(share, RULES)
    text = read(path, "r")
    bad = text.replace('<status type="pcre2">^failed$</status>',
                       '<field name="status" type="pcre2">^failed$</field>', 1)
    assert bad != text
    with open(path, "w", encoding="utf-8") as f:
        f.write(bad)
    return os.path.join(share, "manager-setup.sh")


class Setup(unittest.TestCase):
    def setUp(self):
        self.m = Copy()
        self.conf0 = read(self.m.conf)
        self.local0 = read(self.m.local)
        self.conf_owner = owner(self.m.conf)

    def tearDown(self):
        self.m.close()

    def test_installs_and_the_real_check_accepts_it(self):
        p = self.m.setup()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(read(self.m.rules), read(os.path.join(PACKAGING, RULES)))
        self.assertEqual(owner(self.m.rules), ("root", "wazuh", 0o660))
        conf = read(self.m.conf, "r")
        self.assertEqual(conf.count(BEGIN), 1)
        self.assertEqual(conf.count("<name>%s</name>" % COMMAND), 1)
        self.assertTrue(conf.startswith(self.conf0.decode()), "the stock file is kept as it was")
        self.assertTrue(conf.endswith(read(os.path.join(PACKAGING, "ossec.conf"), "r")))
        self.assertEqual(owner(self.m.conf), self.conf_owner)
        self.assertEqual(read(self.m.local), self.local0)
        t = self.m.analysisd_t()
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertIn("every node of a cluster", p.stdout)

    def test_second_run_changes_nothing(self):
        self.assertEqual(self.m.setup().returncode, 0)
        conf, rules = read(self.m.conf), read(self.m.rules)
        mtime = os.stat(self.m.conf).st_mtime_ns
        p = self.m.setup()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("nothing changed", p.stdout)
        self.assertEqual(read(self.m.conf), conf)
        self.assertEqual(os.stat(self.m.conf).st_mtime_ns, mtime)
        self.assertEqual(read(self.m.rules), rules)

    def test_refused_rules_give_the_previous_files_back(self):
        script = broken_share(self.m.base)
        p = self.m.setup(script=script)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("Field 'status' is static", p.stderr)
        self.assertEqual(read(self.m.conf), self.conf0)
        self.assertEqual(owner(self.m.conf), self.conf_owner)
        self.assertFalse(os.path.exists(self.m.rules))
        self.assertEqual(read(self.m.local), self.local0)
        self.assertEqual(self.m.analysisd_t().returncode, 0)

    def test_refused_upgrade_gives_the_installed_version_back(self):
        self.assertEqual(self.m.setup().returncode, 0)
        # An older block between our lines, as an earlier version wrote it.
        conf = read(self.m.conf, "r").replace("<rules_id>100550,100556</rules_id>",
                                              "<rules_id>100550</rules_id>")
        with open(self.m.conf, "w", encoding="utf-8") as f:
            f.write(conf)
        before_conf, before_rules = read(self.m.conf), read(self.m.rules)
        p = self.m.setup(script=broken_share(self.m.base))
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(read(self.m.conf), before_conf)
        self.assertEqual(read(self.m.rules), before_rules)
        self.assertEqual(owner(self.m.rules), ("root", "wazuh", 0o660))
        # And the good version replaces the older block, once.
        p = self.m.setup()
        self.assertEqual(p.returncode, 0, p.stderr)
        conf = read(self.m.conf, "r")
        self.assertEqual(conf.count(BEGIN), 1)
        self.assertTrue("<rules_id>100550,100556</rules_id>" in conf, "the older block stays")

    def test_a_write_that_fails_halfway_gives_the_previous_files_back(self):
        """ossec.conf is replaced first; the rules file then cannot be (a
        folder where its temporary file goes)."""
        os.mkdir(os.path.join(self.m.dir, "etc", "rules", "." + RULES + ".tmp"))
        p = self.m.setup()
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn("stopped halfway", p.stderr)
        self.assertEqual(read(self.m.conf), self.conf0)
        self.assertEqual(owner(self.m.conf), self.conf_owner)
        self.assertFalse(os.path.exists(self.m.rules))

    def test_no_room_for_the_copies_changes_nothing(self):
        with open(os.path.join(self.m.dir, "backup", COMMAND), "w") as f:
            f.write("a file where the copies' folder goes\n")
        p = self.m.setup()
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("nothing changed", p.stderr)
        self.assertEqual(read(self.m.conf), self.conf0)
        self.assertFalse(os.path.exists(self.m.rules))

    def test_remove_gives_back_the_original(self):
        self.assertEqual(self.m.setup().returncode, 0)
        p = self.m.setup("--remove")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(read(self.m.conf), self.conf0)
        self.assertEqual(owner(self.m.conf), self.conf_owner)
        self.assertFalse(os.path.exists(self.m.rules))
        self.assertEqual(read(self.m.local), self.local0)
        self.assertEqual(self.m.analysisd_t().returncode, 0)
        p = self.m.setup("--remove")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("nothing to remove", p.stdout)
        self.assertEqual(read(self.m.conf), self.conf0)

    def test_block_added_by_hand_is_refused(self):
        """The former manual step (the block appended without our lines)
        would give the manager the command twice."""
        block = read(os.path.join(PACKAGING, "ossec.conf"), "r")
        by_hand = "\n".join(line for line in block.splitlines()
                            if not line.startswith("<!-- %s:" % COMMAND)) + "\n"
        with open(self.m.conf, "a", encoding="utf-8") as f:
            f.write(by_hand)
        conf = read(self.m.conf)
        p = self.m.setup()
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("added by hand", p.stderr)
        self.assertEqual(read(self.m.conf), conf)
        self.assertFalse(os.path.exists(self.m.rules))

    def test_begin_without_end_is_refused(self):
        with open(self.m.conf, "a", encoding="utf-8") as f:
            f.write(BEGIN + " -->\n")
        conf = read(self.m.conf)
        for args in ((), ("--remove",)):
            p = self.m.setup(*args)
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertIn("do not pair up", p.stderr)
            self.assertEqual(read(self.m.conf), conf)

    def test_not_a_manager_is_refused(self):
        p = run("sh", SETUP, "--ossec-dir", os.path.join(self.m.base, "nothing"), check=False)
        self.assertEqual(p.returncode, 2)
        p = run("sh", SETUP, "--bogus", check=False)
        self.assertEqual(p.returncode, 2)


def start_daemon(tree, name, ready, procs):
    log = open(os.path.join(tree, "logs", name + ".out"), "ab")
    procs.append(subprocess.Popen([os.path.join(tree, "bin", name), "-f"], stdin=subprocess.DEVNULL,
                                  stdout=log, stderr=log))
    log.close()
    for _ in range(300):
        if os.path.exists(os.path.join(tree, ready)):
            return
        if procs[-1].poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError("%s did not start: %s" % (name, read(
        os.path.join(tree, "logs", name + ".out"), "r")[-2000:]))


def log_line(result):
    """A line of the agent's active-responses.log, as the program writes it."""
    return time.strftime("%Y/%m/%d %H:%M:%S") + " active-response/bin/%s: %s" % (
        PROGRAM, json.dumps(result, separators=(",", ":")))


WARNING = {"status": "warning", "warning": (
    "configuration C:\\Program Files (x86)\\ossec-agent\\active-response\\"
    "win_ms_network_client_sign_if_server_agrees.config.json: others may read it; "
    "nothing sent"), "program": PROGRAM, "version": "1.0.0"}
STATE = {"registry_path": "HKLM\\System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters",
         "value_name": "EnableSecuritySignature",
         "before": {"exists": True, "type": "REG_DWORD", "data": 1},
         "after": {"exists": True, "type": "REG_DWORD", "data": 0},
         "restored_from": "C:\\Program Files (x86)\\ossec-agent\\backup\\"
                          "win_ms_network_client_sign_if_server_agrees\\20261204T101112Z.reg",
         "program": PROGRAM, "version": "1.0.0"}
# The line packaging/wazuh/README.md gives for wazuh-logtest, and its rule.
LOGTEST_SAMPLE = (
    '2026/11/25 01:43:38 active-response/bin/win_ms_network_client_sign_if_server_agrees: '
    '{"status":"remediated","command":"add","check_id":"26032",'
    '"program":"win_ms_network_client_sign_if_server_agrees"}')
RESTORED = dict(STATE, status="restored", command="restore")
WOULD_RESTORE = dict(STATE, status="would_restore", command="restore")


class Rules(unittest.TestCase):
    """Our rules in the copy's real wazuh-analysisd."""

    @classmethod
    def setUpClass(cls):
        cls.m = Copy()
        cls.procs = []
        try:
            run("sh", SETUP, "--ossec-dir", cls.m.dir)
            tree = cls.m.dir
            # A sandbox's limit on open files is lower than the daemons' default.
            with open(os.path.join(tree, "etc", "local_internal_options.conf"), "a") as f:
                f.write("\nanalysisd.rlimit_nofile=1024\nwazuh_db.rlimit_nofile=1024\n")
            start_daemon(tree, "wazuh-db", "queue/db/wdb", cls.procs)
            cls.procs.append(subprocess.Popen(
                [sys.executable, os.path.join(HERE, "manager_io.py"), "sink", tree],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            for _ in range(100):
                if os.path.exists(os.path.join(tree, "queue", "alerts", "ar")):
                    break
                time.sleep(0.1)
            start_daemon(tree, "wazuh-analysisd", "queue/sockets/queue", cls.procs)
            cls.next_agent = 1
            cls.results = cls.send_all()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for p in reversed(cls.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        cls.m.close()

    @classmethod
    def agent(cls):
        agent_id = "%03d" % cls.next_agent
        cls.next_agent += 1
        manager_io.register(cls.m.dir, agent_id)
        return agent_id

    @classmethod
    def send(cls, kind, text, agent_id, done):
        return manager_io.collect(cls.m.dir, manager_io.messages_for(cls.m.dir, kind, text,
                                                                     agent_id), done, limit=20)

    @classmethod
    def send_all(cls):
        check, policy = next((c, p) for c, p, g in Table().uses()
                             if g["releases"][-1] == "v4.14.7" and c["id"] == 26032 and c["ours"])
        out = {}
        for name, line in (("warning", log_line(WARNING)), ("restored", log_line(RESTORED)),
                           ("would_restore", log_line(WOULD_RESTORE)),
                           ("logtest_sample", LOGTEST_SAMPLE)):
            out[name] = cls.send("arlog", line, cls.agent(), lambda r: any("rule" in x for x in r))
        # The stored result first (passed, not applicable), then failed.
        for name, first in (("19007", None), ("19011", "passed"), ("19014", "not applicable")):
            agent_id = cls.agent()
            if first is not None:
                cls.send("sca", agent_event(check, policy, first, 1), agent_id,
                         lambda r: any("rule" in x for x in r))
            out[name] = cls.send("sca", agent_event(check, policy, "failed", 2), agent_id,
                                 lambda r: any("ar" in x for x in r) and
                                 any("rule" in x for x in r))
        return out

    def alerts(self, name):
        return [r for r in self.results[name] if "rule" in r]

    def only_rule(self, name):
        alerts = self.alerts(name)
        self.assertEqual(len(alerts), 1, [a["rule"]["id"] for a in alerts])
        return alerts[0]["rule"]

    def result_rule(self, name, rule_id, min_level, text):
        rule = self.only_rule(name)
        self.assertEqual(rule["id"], rule_id)
        self.assertGreaterEqual(rule["level"], min_level)
        self.assertIn("sca_remediation", rule["groups"])
        self.assertIn(text, rule["description"])

    def test_warning_line_has_a_rule_of_ours(self):
        self.result_rule("warning", "100559", 4, "others may read it")

    def test_rollback_is_level_7_or_more(self):
        self.result_rule("restored", "100557", 7, "ROLLED BACK")

    def test_would_restore_has_a_rule_of_ours(self):
        self.result_rule("would_restore", "100558", 4, "dry run")

    def test_the_readmes_logtest_line_shows_its_rule(self):
        with open(os.path.join(PACKAGING, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        self.assertIn("    " + LOGTEST_SAMPLE + "\n", readme)
        self.assertIn("id: '100551'\n            level: '4'", readme)
        rule = self.only_rule("logtest_sample")
        self.assertEqual((rule["id"], rule["level"]), ("100551", 4))

    def dispatch(self, name, rule_id, level):
        rule = self.only_rule(name)
        self.assertEqual((rule["id"], rule["level"]), (rule_id, level))
        ar = [json.loads(re.sub(r"^.*? NRN \d{3} ", "", r["ar"])) for r in self.results[name]
              if "ar" in r]
        self.assertEqual([m["command"] for m in ar], [COMMAND + "0"])
        self.assertEqual(ar[0]["parameters"]["alert"]["rule"]["id"], rule_id)

    def test_failed_dispatches_at_19007s_level(self):
        self.dispatch("19007", "100550", 7)

    def test_passed_to_failed_dispatches_at_19011s_level(self):
        self.dispatch("19011", "100556", 9)

    def test_not_applicable_to_failed_dispatches_at_19014s_level(self):
        self.dispatch("19014", "100556", 9)


def main():
    global GIVEN
    status, found = manager_io.given_manager()
    if status != 0:
        return manager_io.say_not_given(status, found)
    GIVEN = found
    return run_counted(sys.modules[__name__])


if __name__ == "__main__":
    sys.exit(main())
