#!/usr/bin/python3
"""packaging/wazuh's rules and ossec.conf block, judged by a real Wazuh 4.x
manager: the one given in WAZUH_MANAGER (an installed manager's folder;
default /var/ossec when it holds bin/wazuh-analysisd), whose wazuh-analysisd,
wazuh-db and wazuh-remoted run in private trees that tests/wazuh/manager.sh
lays out from its files:

- the daemons' own -t accepts the tree with our files, and they start;
- rule 100550 fires, and our command is dispatched, for our control's check
  in every 4.x generation of the Windows policies (tests/data/sca), events
  built as the agent's SCA module builds them; nothing is dispatched for the
  "(always)" and server twins and a sample of the other checks;
- each message analysisd dispatched, handed to our program as wazuh-execd
  hands it, is answered with check_keys and remediates;
- the result rules fire on the program's real log lines (through the
  agent's active-responses.log) and on its real results sent through the
  server API, with every $(field) of their descriptions filled in;
- the manager .deb installed into a root as dpkg installs it, with the
  README's steps, gives a tree that -t accepts and that starts;
- stop ends the processes start started, and no other;
- the given manager's folder is the same after all this as before: no file
  of it written, made, removed, or given another owner or mode; a tree asked
  for inside it is refused before anything is made.

Without a given manager it says so in one line ("skipped: no WAZUH_MANAGER
given ...") and ends with "0 passed, 0 failed"; with a folder that is not
an installed manager it fails. Ends with "N passed, M failed". Environment:
WAZUH_MANAGER and AR_WAZUH_PORT as manager.sh reads them, AR_PROGRAM (the
built program, default build/active-response/...), AR_SWEEP (for the .deb;
default: built by build-deb.sh)."""

import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MANAGER = os.path.join(HERE, "manager.sh")
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, HERE)
os.environ.setdefault("AR_PROGRAM", os.path.join(
    ROOT, "build", "active-response", "win_ms_network_client_sign_if_server_agrees"))

import manager_io  # noqa: E402
from fingerprint import fingerprint, live  # noqa: E402
from arprog import PROGRAM, Workdir, data, reg_value  # noqa: E402
from sca_table import Table, agent_event as sca_event, escaped_era  # noqa: E402

COMMAND = "win-ms-network-client-sign"
AR_HEADER = re.compile(r"^\(local_source\) \[\] NRN (\d{3}) (\{.*\})$", re.S)
EXE = PROGRAM + ".exe"
# analysisd escapes ! $ ' ` in what it sends to agents 4.2.0 - 4.2.4.
ESCAPING_AGENT = "Wazuh v4.2.4"


def run(*args, check=True, timeout=1800, env=None):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, check=False,
                       env=None if env is None else dict(os.environ, **env))
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d\n%s%s" % (" ".join(args), p.returncode,
                                                      p.stdout[-3000:], p.stderr[-3000:]))
    return p


class Manager:
    """A started manager tree, and agents (002 and up) made for the tests."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="ar-wazuh-")
        self.dir = os.path.join(self.base, "ossec")
        self.next_agent = 2
        try:
            run(MANAGER, "start", self.dir)
        except AssertionError:
            self.close()
            raise

    def agent(self, version=manager_io.AGENT_VERSION):
        agent_id = "%03d" % self.next_agent
        self.next_agent += 1
        manager_io.register(self.dir, agent_id, version)
        return agent_id

    def send(self, kind, events, expect):
        """events: [(text, agent_id)]; waits until expect(records) holds."""
        messages = []
        for text, agent_id in events:
            messages += manager_io.messages_for(self.dir, kind, text, agent_id)
        return manager_io.collect(self.dir, messages, expect, limit=30)

    def close(self):
        run(MANAGER, "stop", self.dir, check=False)
        shutil.rmtree(self.base, ignore_errors=True)


MANAGER_TREE = None
# The given manager's folder, and what it held before anything ran.
GIVEN = None
GIVEN_BEFORE = None
# Where remoted listens in the trees started here.
PORT = int(os.environ.get("AR_WAZUH_PORT", "1514"))


def given_parts():
    """What of the given folder is compared: all of it, or, while a manager
    of its own runs there, what the trees take from it."""
    return ["bin", "lib", "ruleset", os.path.join("etc", "lists")] if live(GIVEN) else None


def setUpModule():
    global MANAGER_TREE, GIVEN_BEFORE
    GIVEN_BEFORE = fingerprint(GIVEN, given_parts())
    MANAGER_TREE = Manager()


def tearDownModule():
    if MANAGER_TREE is not None:
        MANAGER_TREE.close()


def laid_out(prefix):
    """A manager tree laid out in a new folder: (folder, tree, its
    ossec.conf, the text of it)."""
    base = tempfile.mkdtemp(prefix=prefix)
    tree = os.path.join(base, "ossec")
    run(MANAGER, "layout", tree)
    conf = os.path.join(tree, "etc", "ossec.conf")
    with open(conf, encoding="utf-8") as f:
        return base, tree, conf, f.read()


def our_26032():
    """(check, policy) of 26032 in v4.14.7's cis_win11_enterprise."""
    return next((c, p) for c, p, g in Table().uses()
                if g["releases"][-1] == "v4.14.7" and c["id"] == 26032 and c["ours"])


def by_agent(records):
    """{agent id: {"alerts": [...], "ar": [(agent, message JSON)]}}."""
    out = {}
    for r in records:
        if "ar" in r:
            m = AR_HEADER.match(r["ar"])
            if not m:
                raise AssertionError("active-response message not as expected: %r" % r["ar"][:300])
            out.setdefault(m.group(1), {"alerts": [], "ar": []})["ar"].append(
                json.loads(m.group(2)))
        else:
            out.setdefault(r["agent"]["id"], {"alerts": [], "ar": []})["alerts"].append(r)
    return out


def execd_message(dispatched):
    """What wazuh-execd writes to the program's standard input for a message
    from the manager (src/os_execd/execd.c): command add, origin.module its
    own name, parameters.program the program's path."""
    msg = json.loads(json.dumps(dispatched))
    msg["command"] = "add"
    msg["origin"]["module"] = "wazuh-execd"
    msg["parameters"]["program"] = "active-response/bin/" + EXE
    return json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def converse(w, message_bytes, reply="continue"):
    """One run as execd drives it: the message, the program's check_keys
    line, then execd's answer (the message with command = reply); returns
    (exit status, check_keys line)."""
    proc = subprocess.Popen(w.args(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        proc.stdin.write(message_bytes)
        proc.stdin.flush()
        line = proc.stdout.readline()
        answer = json.loads(message_bytes)
        answer["command"] = reply
        proc.stdin.write(json.dumps(answer).encode() + b"\n")
        proc.stdin.flush()
        rc = proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.communicate()
    return rc, line


def description_filled(template, text):
    """Whether text is the description template with every $(field) replaced
    by something not empty."""
    parts = re.split(r"\$\([^)]*\)", template)
    pattern = "^" + "(.+?)".join(re.escape(p) for p in parts) + "$"
    return re.match(pattern, text, re.S) is not None and "$(" not in text


def rule_descriptions():
    import xml.etree.ElementTree as ET
    with open(os.path.join(ROOT, "packaging", "wazuh", "win_ms_network_client_sign_rules.xml"),
              encoding="utf-8") as f:
        tree = ET.fromstring("<root>" + f.read() + "</root>")
    return {r.get("id"): r.find("description").text for r in tree.iter("rule")}


class Dispatch(unittest.TestCase):
    """Events of every 4.x generation's policies through the real analysisd."""

    @classmethod
    def setUpClass(cls):
        table = Table()
        ours, twins, others, escaped = {}, {}, {}, {}
        for check, policy, gen in table.uses():
            if gen["major"] != 4:
                continue
            key = (policy["id"], policy["name"], check["id"], check["title"],
                   tuple(check["registry"] or ()), tuple(check["rules"]))
            label = "%s %s %s" % (gen["releases"][0], policy["id"], check["id"])
            if check["ours"]:
                ours.setdefault(key, (check, policy, label))
                if escaped_era(gen):
                    escaped.setdefault(key, (check, policy, label + " to a 4.2.4 agent"))
            elif re.search(r"(?i)digitally\s+sign\s+communications", check["title"]):
                twins.setdefault(key, (check, policy, label))
            else:
                others.setdefault(key, (check, policy, label))
        sample = random.Random(19).sample(sorted(others), 40)
        cls.cases = ([(v, True) for v in ours.values()] +
                     [(v, False) for v in twins.values()] +
                     [(others[k], False) for k in sample])
        m = MANAGER_TREE
        events, cls.agent_case, cls.escaping = [], {}, set()
        for case, version in ([(c, manager_io.AGENT_VERSION) for c in cls.cases] +
                              [((v, True), ESCAPING_AGENT) for v in escaped.values()]):
            agent_id = m.agent(version)
            cls.agent_case[agent_id] = case
            if version == ESCAPING_AGENT:
                cls.escaping.add(agent_id)
            events.append((sca_event(case[0][0], case[0][1]), agent_id))
        # Every failed check seen for the first time raises 19007; done when
        # each agent has its alert.
        want = set(cls.agent_case)
        cls.seen = by_agent(m.send("sca", events, lambda recs: want <= {
            r["agent"]["id"] for r in recs if "rule" in r}))

    def test_many_cases(self):
        ours = sum(1 for _, o in self.cases if o)
        self.assertGreaterEqual(ours, 20)
        self.assertGreaterEqual(len(self.cases) - ours, 60)
        self.assertGreaterEqual(len(self.escaping), 2)

    def test_escaped_for_4_2_0_to_4_2_4_agents(self):
        for agent_id in self.escaping:
            with self.subTest(case=self.agent_case[agent_id][0][2]):
                title = self.seen[agent_id]["ar"][0]["parameters"]["alert"]["data"]["sca"][
                    "check"]["title"]
                self.assertIn("\\x27", title)
                self.assertNotIn("'", title)

    def test_each_event_reached_analysisd(self):
        missing = [self.agent_case[a][0][2] for a in self.agent_case
                   if not self.seen.get(a, {}).get("alerts")]
        self.assertEqual(missing, [])

    def test_dispatch_for_ours_only(self):
        wrong = []
        for agent_id, ((check, policy, label), ours) in self.agent_case.items():
            got = self.seen.get(agent_id, {"alerts": [], "ar": []})
            rules = {a["rule"]["id"] for a in got["alerts"]}
            fired = "100550" in rules
            dispatched = [m for m in got["ar"] if m["command"] == COMMAND + "0"]
            if fired != ours or len(dispatched) != (1 if ours else 0) or \
                    len(got["ar"]) != len(dispatched):
                wrong.append("%s ours=%s rules=%s ar=%d" % (label, ours, sorted(rules),
                                                            len(got["ar"])))
        self.assertEqual(wrong, [])

    def test_alert_fields(self):
        for agent_id, ((check, policy, label), ours) in self.agent_case.items():
            if not ours:
                continue
            with self.subTest(case=label):
                alert = next(a for a in self.seen[agent_id]["alerts"]
                             if a["rule"]["id"] == "100550")
                sca = alert["data"]["sca"]
                self.assertEqual(sca["check"]["id"], str(check["id"]))
                self.assertEqual(sca["policy"], policy["name"])
                self.assertEqual(alert["agent"]["id"], agent_id)
                text = alert["rule"]["description"]
                self.assertTrue(description_filled(rule_descriptions()["100550"], text), text)
                self.assertIn(alert["agent"]["name"], text)

    def test_dispatched_message_remediates(self):
        for agent_id, ((check, policy, label), ours) in self.agent_case.items():
            if not ours:
                continue
            with self.subTest(case=label):
                dispatched = self.seen[agent_id]["ar"][0]
                self.assertEqual(dispatched["parameters"]["alert"]["rule"]["id"], "100550")
                w = Workdir("value_0_utf16.reg")
                try:
                    rc, keys = converse(w, execd_message(dispatched))
                    self.assertEqual(json.loads(keys)["command"], "check_keys", keys)
                    self.assertEqual(json.loads(keys)["parameters"]["keys"], [str(check["id"])])
                    self.assertEqual(rc, 0)
                    self.assertEqual(reg_value(w.reg_bytes())[0], ("dword", 1))
                    r = w.result()
                    self.assertEqual((r["status"], r["check_id"]), ("remediated", str(check["id"])))
                finally:
                    w.cleanup()


class ResultRules(unittest.TestCase):
    """The program's real results, as log lines through the agent and as
    events through the server API."""

    @classmethod
    def setUpClass(cls):
        cls.lines = {}
        w = Workdir("value_0_utf16.reg")
        try:
            cls.produce(w)
        finally:
            w.cleanup()
        m = MANAGER_TREE
        cls.agent = m.agent()
        cls.arlog = {}
        cls.api = {}
        for name, line in cls.lines.items():
            agent_id = m.agent()
            got = m.send("arlog", [(line, agent_id)], lambda recs: any("rule" in r for r in recs))
            cls.arlog[name] = [r for r in got if "rule" in r]
            body = line.split(": ", 1)[1]
            got = m.send("api", [(body, "000")], lambda recs: any(
                "rule" in r and r.get("location") == "API-Webhook" for r in recs))
            cls.api[name] = [r for r in got if r.get("location") == "API-Webhook"]

    @classmethod
    def produce(cls, w):
        """One real log line for each outcome the rules tell apart."""
        msg = data("ours_26032_failed.json")
        with open(msg, "rb") as f:
            msg = f.read()

        def last_line(wd=w):
            with open(wd.log, encoding="utf-8") as f:
                results = [ln.rstrip("\n") for ln in f
                           if '"status"' in ln and '{"status":"warning"' not in ln]
            return results[-1]

        def group_policy():
            shutil.copyfile(data("registry", "value_0_utf16.reg"), w.reg)

        w.run(msg, "--dry-run")
        cls.lines["would_remediate"] = last_line()
        w.run(msg)
        cls.lines["remediated"] = last_line()
        w.run(msg)
        cls.lines["compliant"] = last_line()
        for n in range(1, 4):
            group_policy()
            w.run(msg)
            cls.lines["reverted" if n == 1 else "contested" if n == 3 else "reverted2"] = \
                last_line()
        cls.lines["contested_gpo"] = cls.as_on_windows(cls.lines["contested"])
        with open(data("notours_other_check.json"), "rb") as f:
            w.run(f.read())
        cls.lines["not_applicable"] = last_line()
        with open(data("bad_not_json.txt"), "rb") as f:
            w.run(f.read())
        cls.lines["invalid_input"] = last_line()
        converse(w, msg, "abort")
        cls.lines["aborted"] = last_line()
        cls.produce_restores(msg, last_line)
        with open(w.reg, "wb") as f:
            f.write(b"\x00\x01binary\xff")
        w.run(msg)
        cls.lines["failed"] = last_line()

    @classmethod
    def produce_restores(cls, msg, last_line_of):
        """A rollback as the sweep's --restore has it made (restore-last in
        execd's message, which names the agent), its dry run, and a warning
        line, as the program writes them, in a workdir of their own (the
        history above stays as it is)."""
        def with_args(*args):
            m = json.loads(msg)
            m["parameters"]["extra_args"] = list(args)
            return json.dumps(m).encode() + b"\n"

        w = Workdir("value_0_utf16.reg")
        try:
            w.run(msg)
            w.run(with_args("dry-run", "restore-last"))
            cls.lines["would_restore"] = last_line_of(w)
            w.run(with_args("restore-last"))
            cls.lines["restored"] = last_line_of(w)
            w.run(msg, "--config", os.path.join(w.dir, "missing.json"))
            with open(w.log, encoding="utf-8") as f:
                cls.lines["warning"] = [ln.rstrip("\n") for ln in f
                                        if '{"status":"warning"' in ln][-1]
        finally:
            w.cleanup()

    @staticmethod
    def as_on_windows(line):
        """The line as a Windows agent writes it when it found the GPO that
        set the value back: its backup under the agent's folder and the
        managed_by object (lib/result.c), over 1025 bytes (stock rule 1003
        takes lines that long when it is tried first)."""
        prefix, body = line.split(": ", 1)
        result = json.loads(body)
        result["backup"] = ("C:\\Program Files (x86)\\ossec-agent\\active-response\\"
                            + PROGRAM + "-backups\\" + os.path.basename(result["backup"]))
        result["managed_by"] = {
            "source": "group_policy", "gpo_name": "Workstation Baseline - SMB and LDAP hardening",
            "gpo_id": "{31B2F340-016D-11D2-945F-00C04FB984F9}", "setting": "4,0",
            "template": "C:\\Windows\\security\\templates\\policies\\gpt00000.inf",
            "templates": 1}
        text = prefix + ": " + json.dumps(result, separators=(",", ":"))
        assert len(text) > 1025, len(text)
        return text

    def fired(self, records):
        return [(r["rule"]["id"], r["rule"]["description"]) for r in records]

    def check_rule(self, records, rule_id):
        got = self.fired(records)
        self.assertEqual([i for i, _ in got], [rule_id], got)
        template = rule_descriptions()[rule_id]
        self.assertTrue(description_filled(template, got[0][1]), (template, got[0][1]))

    def test_lines_are_the_programs(self):
        for name, line in self.lines.items():
            with self.subTest(line=name):
                self.assertRegex(line, r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d active-response/bin/"
                                 + PROGRAM + ": \\{")
                status = json.loads(line.split(": ", 1)[1])["status"]
                self.assertEqual(status, {"reverted": "remediated", "reverted2": "remediated",
                                          "contested_gpo": "contested"}.get(name, name))

    def test_log_line_rules(self):
        expect = {"would_remediate": "100551", "remediated": "100551", "compliant": "100551",
                  "reverted": "100554", "reverted2": "100554", "contested": "100555",
                  "contested_gpo": "100555",
                  "not_applicable": "100553", "invalid_input": "100553", "aborted": "100553",
                  "failed": "100552", "restored": "100557", "would_restore": "100558",
                  "warning": "100559"}
        for name, rule_id in expect.items():
            with self.subTest(line=name):
                self.check_rule(self.arlog[name], rule_id)
                self.assertEqual(self.arlog[name][0]["agent"]["name"].startswith("win-ws"), True)
                self.assertIn(self.arlog[name][0]["agent"]["name"],
                              self.arlog[name][0]["rule"]["description"])

    def test_api_event_rules(self):
        expect = {"remediated": "100560", "compliant": "100560", "reverted": "100562",
                  "contested": "100563", "failed": "100561", "not_applicable": "100560",
                  "restored": "100564"}
        for name, rule_id in expect.items():
            with self.subTest(event=name):
                self.check_rule(self.api[name], rule_id)


class Lifecycle(unittest.TestCase):
    def test_event_command_prints_alert_and_dispatch(self):
        check, policy = our_26032()
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(sca_event(check, policy))
        try:
            p = run(MANAGER, "event", MANAGER_TREE.dir, "sca", f.name)
        finally:
            os.unlink(f.name)
        records = [json.loads(line) for line in p.stdout.splitlines()]
        got = by_agent(records)["001"]
        self.assertIn("100550", [a["rule"]["id"] for a in got["alerts"]])
        self.assertEqual([m["command"] for m in got["ar"]], [COMMAND + "0"])

    def test_stop_ends_only_what_start_started(self):
        base = tempfile.mkdtemp(prefix="ar-wazuh-stop-")
        tree = os.path.join(base, "ossec")
        # A process of someone else's whose pid is written where ours go.
        other = subprocess.Popen(["sleep", "60"])
        try:
            run(MANAGER, "start", tree, "--remoted")
            pids = []
            for name in ("wazuh-db", "wazuh-analysisd", "wazuh-remoted"):
                with open(os.path.join(tree, "var", "run", "ar-%s.pid" % name)) as f:
                    pids += [int(x) for x in f.read().split()]
            with socket.create_connection(("127.0.0.1", PORT), timeout=5):
                pass
            with open(os.path.join(tree, "var", "run", "ar-wazuh-db.pid"), "a") as f:
                f.write("%d\n" % other.pid)
            run(MANAGER, "stop", tree)
            alive = [p for p in pids if os.path.exists("/proc/%d/exe" % p) and
                     os.readlink("/proc/%d/exe" % p).startswith(tree)]
            self.assertEqual(alive, [])
            self.assertIsNone(other.poll(), "stop ended a process it did not start")
        finally:
            other.kill()
            other.wait()
            run(MANAGER, "stop", tree, check=False)
            shutil.rmtree(base, ignore_errors=True)

    def test_dry_run_extra_args_reach_the_program(self):
        """The block's commented <extra_args>dry-run</extra_args>, turned on
        as the README says: the message carries it and nothing is written."""
        base, tree, conf, text = laid_out("ar-wazuh-dry-")
        try:
            on = re.sub(r"<!--\s*(<extra_args>dry-run</extra_args>).*?-->", r"\1", text)
            self.assertNotEqual(on, text)
            with open(conf, "w", encoding="utf-8") as f:
                f.write(on)
            run(MANAGER, "start", tree)
            check, policy = our_26032()
            got = by_agent(manager_io.collect(tree, manager_io.messages_for(
                tree, "sca", sca_event(check, policy), "001"), lambda recs: any(
                    "ar" in r for r in recs)))["001"]
            self.assertEqual(len(got["ar"]), 1, got)
            self.assertEqual(got["ar"][0]["parameters"]["extra_args"], ["dry-run"])
            w = Workdir("value_0_utf16.reg")
            try:
                before = w.reg_bytes()
                rc, _ = converse(w, execd_message(got["ar"][0]))
                self.assertEqual(rc, 4)
                self.assertEqual(w.reg_bytes(), before)
                self.assertEqual(w.result()["status"], "would_remediate")
            finally:
                w.cleanup()
        finally:
            run(MANAGER, "stop", tree, check=False)
            shutil.rmtree(base, ignore_errors=True)

    def test_tree_inside_the_given_refused(self):
        inside = os.path.join(GIVEN, "ar-test-tree")
        p = run(MANAGER, "layout", inside, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("outside the given manager", p.stderr)
        self.assertFalse(os.path.lexists(inside))

    def test_given_with_our_block_already(self):
        """A given manager whose ossec.conf already has our block (appended
        as the README says, or merged into the stock one) gives a tree that
        has it once and that -t accepts. The given manager stands in a
        folder of links to the real one's parts, with an ossec.conf of its
        own."""
        with open(os.path.join(ROOT, "packaging", "wazuh", "ossec.conf"), encoding="utf-8") as f:
            block = f.read()
        with open(os.path.join(GIVEN, "etc", "ossec.conf"), encoding="utf-8") as f:
            stock = f.read()
        inner = re.search(r"<ossec_config>(.*)</ossec_config>",
                          re.sub(r"<!--.*?-->", "", block, flags=re.S), re.S).group(1)
        merged = stock.replace("</ossec_config>", inner + "</ossec_config>", 1)
        for name, text in (("appended", stock + "\n" + block), ("merged", merged)):
            with self.subTest(conf=name):
                base = tempfile.mkdtemp(prefix="ar-wazuh-ours-")
                try:
                    given = os.path.join(base, "given")
                    os.makedirs(os.path.join(given, "etc"))
                    for part in ("bin", "lib", "ruleset", "var"):
                        os.symlink(os.path.join(GIVEN, part), os.path.join(given, part))
                    for part in os.listdir(os.path.join(GIVEN, "etc")):
                        if part != "ossec.conf":
                            os.symlink(os.path.join(GIVEN, "etc", part),
                                       os.path.join(given, "etc", part))
                    with open(os.path.join(given, "etc", "ossec.conf"), "w",
                              encoding="utf-8") as f:
                        f.write(text)
                    tree = os.path.join(base, "ossec")
                    run(MANAGER, "layout", tree, env={"WAZUH_MANAGER": given})
                    with open(os.path.join(tree, "etc", "ossec.conf"), encoding="utf-8") as f:
                        got = f.read()
                    self.assertEqual(got.count("<name>win-ms-network-client-sign</name>"), 1)
                    self.assertEqual(got.count("<command>win-ms-network-client-sign</command>"), 1)
                    # The rest of the given file is kept.
                    bare = re.sub(r"<!--.*?-->", "", stock, flags=re.S)
                    for tag in ("<global>", "<alerts>", "<ruleset>", "<command>",
                                "<active-response>"):
                        self.assertEqual(got.count(tag), bare.count(tag) + inner.count(tag), tag)
                    run(MANAGER, "check", tree)
                finally:
                    shutil.rmtree(base, ignore_errors=True)

    def test_nested_block_refused(self):
        """The block must follow the stock <ossec_config>, not go inside it:
        the daemons refuse a nested one (and so would the manager)."""
        base, tree, conf, text = laid_out("ar-wazuh-nested-")
        try:
            with open(os.path.join(ROOT, "packaging", "wazuh", "ossec.conf"),
                      encoding="utf-8") as f:
                block = f.read()
            self.assertIn(block, text)
            run(MANAGER, "check", tree)
            inside = text.replace(block, "").replace("</ossec_config>", block + "</ossec_config>", 1)
            with open(conf, "w", encoding="utf-8") as f:
                f.write(inside)
            p = run(MANAGER, "check", tree, check=False)
            self.assertNotEqual(p.returncode, 0, p.stderr)
        finally:
            shutil.rmtree(base, ignore_errors=True)


class ManagerDeb(unittest.TestCase):
    """The .deb installed by dpkg into a root holding a manager at
    var/ossec, then the README's step: the manager-setup.sh it ships, which
    puts our rules in etc/rules and our block in etc/ossec.conf."""

    def test_installed_deb_gives_a_manager_that_starts(self):
        base = tempfile.mkdtemp(prefix="ar-wazuh-deb-")
        root = os.path.join(base, "root")
        tree = os.path.join(root, "var", "ossec")
        try:
            deb = run(os.path.join(ROOT, "packaging", "wazuh", "build-deb.sh"),
                      os.path.join(base, "out")).stdout.strip().splitlines()[-1]
            run(MANAGER, "layout", tree, "--stock")
            admin = os.path.join(root, "var", "lib", "dpkg")
            for d in ("info", "updates", "triggers"):
                os.makedirs(os.path.join(admin, d), exist_ok=True)
            for f in ("status", "available"):
                open(os.path.join(admin, f), "a").close()
            # Its dependencies live in the host's database, not in this root's.
            run("dpkg", "--root=" + root, "--force-depends", "--force-not-root", "-i", deb)
            share = os.path.join(root, "usr", "share",
                                 "win-ms-network-client-sign-if-server-agrees-manager")
            # The README's step: the setup script the package ships.
            run("sh", os.path.join(share, "manager-setup.sh"), "--ossec-dir", tree)
            run(MANAGER, "start", tree)
            agent = "001"
            check, policy = our_26032()
            got = by_agent(manager_io.collect(tree, manager_io.messages_for(
                tree, "sca", sca_event(check, policy), agent)))
            self.assertIn("100550", [a["rule"]["id"] for a in got[agent]["alerts"]])
            self.assertEqual(len(got[agent]["ar"]), 1)
        finally:
            run(MANAGER, "stop", tree, check=False)
            shutil.rmtree(base, ignore_errors=True)


class GivenUntouched(unittest.TestCase):
    """Run last: the given manager's folder after every other test."""

    def test_given_folder_unchanged(self):
        after = fingerprint(GIVEN, given_parts())
        changed = sorted(k for k in set(GIVEN_BEFORE) | set(after)
                         if GIVEN_BEFORE.get(k) != after.get(k))
        self.assertGreater(len(after), 10)
        self.assertEqual(len(changed), 0, "changed: %s" % changed[:20])


# In this order: GivenUntouched after every test that lays out or starts.
CLASSES = (Dispatch, ResultRules, Lifecycle, ManagerDeb, GivenUntouched)


def main():
    global GIVEN
    status, found = manager_io.given_manager()
    if status != 0:
        return manager_io.say_not_given(status, found)
    GIVEN = found
    module = sys.modules[__name__]
    every = {v for v in vars(module).values()
             if isinstance(v, type) and issubclass(v, unittest.TestCase)}
    assert every == set(CLASSES), every ^ set(CLASSES)
    print("# the given manager: %s%s" % (GIVEN, " (in use: its bin, lib, ruleset and lists "
                                         "compared)" if live(GIVEN) else ""))
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite(loader.loadTestsFromTestCase(c) for c in CLASSES)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print("%d passed, %d failed" % (max(result.testsRun - failed, 0), failed))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
