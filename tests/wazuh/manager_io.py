#!/usr/bin/python3
"""Talks to a manager tree that tests/wazuh/manager.sh started, over the
daemons' own sockets:

    manager_io.py sink DIR                reads queue/alerts/ar in remoted's place
    manager_io.py register DIR [ID]       agent ID (default 001, as in
                                          DIR/etc/client.keys) in wazuh-db's
                                          global database, with its version
    manager_io.py event DIR sca FILE [ID] FILE: one SCA event (JSON) as the
                                          agent's SCA module sends it
    manager_io.py event DIR arlog FILE [ID]  FILE: lines of the Windows
                                          agent's active-responses.log
    manager_io.py event DIR api FILE      FILE: events (one a line) as the
                                          server API's POST /events passes
                                          them on (location API-Webhook)

An event reaches analysisd's queue (queue/sockets/queue, a datagram socket)
as remoted forwards an agent's message: "<queue>:[ID] (NAME) IP-><location>:
<text>". What it caused is printed, one JSON a line: each new alert of
logs/alerts/alerts.json, and each active-response message analysisd sent to
queue/alerts/ar as {"ar": "<message>"} (when wazuh-remoted does not run,
`sink` takes its place there and keeps them in logs/ar-messages.log). It waits at most 10 s, and stops 1.5 s
after the last thing seen."""

import json
import os
import grp
import pwd
import signal
import socket
import struct
import subprocess
import sys
import time

MANAGER_SH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manager.sh")


def given_manager():
    """(status, folder or reason) of manager.sh given: 0 a manager is
    given, 3 none is, anything else the folder given is not one."""
    p = subprocess.run([MANAGER_SH, "given"], capture_output=True, text=True, timeout=60,
                       check=False)
    if p.returncode == 0:
        return 0, p.stdout.strip()
    return p.returncode, p.stderr.strip().replace("manager.sh: ", "", 1)


def say_not_given(status, reason):
    """What a suite prints when it has no manager to run against, with its
    count line: skipped by name when none is given (0), a failure when the
    folder given is not a manager (1). Returns the exit status."""
    if status == 3:
        print("skipped: %s" % reason)
        print("0 passed, 0 failed")
        return 0
    print("not ok - the given manager: %s" % reason)
    print("0 passed, 1 failed")
    return 1


AGENT_VERSION = "Wazuh v4.14.7"
SCA_MQ = "p"
LOCALFILE_MQ = "1"
# logcollector's location for the Windows agent's active-response log: the
# path as its default ossec.conf names it.
ARLOG_LOCATION = "active-response\\active-responses.log"
# The server API's location for events given to POST /events.
API_LOCATION = "API-Webhook"
LIMIT = 10.0
SETTLE = 1.5


def agents(tree):
    """{id: (name, ip)} from client.keys (removed agents, "!" names, skipped)."""
    out = {}
    with open(os.path.join(tree, "etc", "client.keys"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and not parts[1].startswith("!"):
                out[parts[0]] = (parts[1], parts[2])
    return out


def wdb_query(tree, query):
    """One wazuh-db query: 4-byte little-endian length, then the text."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(os.path.join(tree, "queue", "db", "wdb"))
        data = query.encode()
        s.sendall(struct.pack("<I", len(data)) + data)
        head = b""
        while len(head) < 4:
            chunk = s.recv(4 - len(head))
            if not chunk:
                raise RuntimeError("wazuh-db closed the connection on: " + query)
            head += chunk
        size = struct.unpack("<I", head)[0]
        body = b""
        while len(body) < size:
            chunk = s.recv(size - len(body))
            if not chunk:
                break
            body += chunk
        return body.decode("utf-8", "replace")


def agent(tree, agent_id):
    """(name, ip) of the agent: from client.keys, else win-ws<ID> from any."""
    return agents(tree).get(agent_id, ("win-ws" + agent_id, "any"))


def register(tree, agent_id, version=AGENT_VERSION):
    name, ip = agent(tree, agent_id)
    num = int(agent_id)
    answer = wdb_query(tree, "global get-agent-info %d" % num)
    if not answer.startswith("ok") or answer.strip() in ("ok", "ok []"):
        ins = {"id": num, "name": name, "ip": ip, "register_ip": ip,
               "internal_key": "0" * 64, "group": "default", "date_add": int(time.time())}
        answer = wdb_query(tree, "global insert-agent " + json.dumps(ins))
        if not answer.startswith("ok"):
            raise RuntimeError("insert-agent %s: %s" % (agent_id, answer))
    # analysisd reads the version to choose the message format (JSON from 4.2).
    data = {"id": num, "version": version, "os_name": "Microsoft Windows 11 Enterprise",
            "os_platform": "windows", "connection_status": "active", "sync_status": "synced",
            "group_config_status": "synced"}
    answer = wdb_query(tree, "global update-agent-data " + json.dumps(data))
    if not answer.startswith("ok"):
        raise RuntimeError("update-agent-data %s: %s" % (agent_id, answer))


def location(tree, agent_id):
    name, ip = agent(tree, agent_id)
    # remoted's "[ID] (NAME) IP"; SendMSG escapes ':' and '|' in it with '|'.
    loc = "[%s] (%s) %s" % (agent_id, name, ip)
    return loc.replace("|", "||").replace(":", "|:")


def sink(tree):
    """Takes remoted's place on queue/alerts/ar: each active-response
    message analysisd sends there becomes a line (a JSON string) of
    logs/ar-messages.log. Runs until SIGTERM."""
    path = os.path.join(tree, "queue", "alerts", "ar")
    log = os.path.join(tree, "logs", "ar-messages.log")
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chown(path, pwd.getpwnam("wazuh").pw_uid, grp.getgrnam("wazuh").gr_gid)
    os.chmod(path, 0o660)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with open(log, "a", encoding="utf-8") as out:
            while True:
                # analysisd sends the terminating NUL with the text.
                data = sock.recv(65536 + 512).rstrip(b"\0")
                out.write(json.dumps(data.decode("utf-8", "replace")) + "\n")
                out.flush()
    finally:
        os.unlink(path)


class Tail:
    """What is appended to a file of JSON lines from now on."""

    def __init__(self, path):
        self.path = path
        self.offset = os.path.getsize(path) if os.path.exists(path) else 0
        self.partial = b""

    def read(self):
        if not os.path.exists(self.path):
            return []
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        self.offset += len(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        return [json.loads(line) for line in lines if line.strip()]


def send(tree, messages):
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.connect(os.path.join(tree, "queue", "sockets", "queue"))
        for m in messages:
            s.send(m.encode("utf-8"))


def messages_for(tree, kind, text, agent_id):
    """The queue messages that carry an event of this kind from the agent."""
    loc = location(tree, agent_id)
    if kind == "sca":
        body = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
        return ["%s:%s->sca:%s" % (SCA_MQ, loc, body)]
    if kind == "arlog":
        return ["%s:%s->%s:%s" % (LOCALFILE_MQ, loc, ARLOG_LOCATION, line)
                for line in text.splitlines() if line.strip()]
    if kind == "api":
        # What the server API's POST /events hands analysisd for each event.
        return ["%s:%s:%s" % (LOCALFILE_MQ, API_LOCATION, line)
                for line in text.splitlines() if line.strip()]
    raise SystemExit("event kind: sca, arlog or api, not %r" % kind)


def collect(tree, messages, done=None, limit=LIMIT):
    """Sends the messages; returns what followed: alerts and {"ar": text}
    records, in arrival order. Stops at the limit, or SETTLE seconds after
    the last record once done(records) holds (default: any record)."""
    alerts = Tail(os.path.join(tree, "logs", "alerts", "alerts.json"))
    ar = Tail(os.path.join(tree, "logs", "ar-messages.log"))
    out = []
    send(tree, messages)
    start = last = time.monotonic()
    while True:
        now = time.monotonic()
        finished = out and (done or bool)(out)
        if now - start >= limit or (finished and now - last >= SETTLE):
            break
        got = alerts.read() + [{"ar": m} for m in ar.read()]
        if got:
            out += got
            last = time.monotonic()
        time.sleep(0.05)
    return out


def event(tree, kind, path, agent_id):
    register(tree, agent_id)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for record in collect(tree, messages_for(tree, kind, text, agent_id)):
        print(json.dumps(record, ensure_ascii=False), flush=True)


def main(argv):
    if len(argv) == 3 and argv[1] == "sink":
        sink(argv[2])
        return 0
    if len(argv) >= 3 and argv[1] == "register":
        register(argv[2], argv[3] if len(argv) > 3 else "001")
        return 0
    if len(argv) in (5, 6) and argv[1] == "event":
        event(argv[2], argv[3], argv[4], argv[5] if len(argv) == 6 else "001")
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
