"""The endpoints of the Wazuh server API (4.14, api/api/spec/spec.yaml) a
sweep uses, over a fleet held in memory (fleet.py makes one), written from
the spec and the framework (framework/wazuh/agent.py, sca.py,
active_response.py):

- GET /agents: filters os.platform, status, agents_list; select, offset,
  limit (1 - 100000, default 500), sorted by id;
- GET /sca/{agent_id}: the agent's policies; an unknown agent is a failed
  item 1701;
- GET /sca/{agent_id}/checks/{policy_id}: field filters (exact), q (the
  framework prepends "policy_id=<id>;" without parentheses, so an OR in q
  reaches other policies, as it does upstream), offset, limit;
- PUT /active-response: agents_list (none: every agent), body {command,
  arguments, alert}; only the first 500 ids are processed, the rest dropped
  silently; per agent 1701 unknown, 1707 not active, 1750 active response
  disabled, 1652 unknown command; agents before 4.2 get the legacy string.

Unknown query parameters are refused (400), as the API validates strictly.
What each agent receives is what wazuh-execd hands the program: the
message with version 1, origin name null (no cluster) and module
wazuh-execd, command add, the alert with null members removed, and the
program."""

import json
from urllib.parse import parse_qs, urlsplit

COMMON = {"pretty", "wait_for_complete"}
AGENTS_PARAMS = COMMON | {
    "agents_list", "offset", "limit", "select", "sort", "search", "status", "q", "older_than",
    "os.platform", "os.version", "os.name", "manager", "version", "group", "node_name",
    "name", "ip", "registerIP", "group_config_status", "distinct"}
SCA_PARAMS = COMMON | {"name", "description", "references", "offset", "limit", "sort",
                       "search", "select", "q", "distinct"}
CHECK_FILTERS = {"title", "description", "rationale", "remediation", "command", "reason",
                 "file", "process", "directory", "registry", "references", "result",
                 "condition"}
CHECKS_PARAMS = COMMON | CHECK_FILTERS | {"full_path", "offset", "limit", "sort", "search",
                                          "select", "q", "distinct"}
AR_PARAMS = COMMON | {"agents_list"}
POLICY_FIELDS = ["policy_id", "name", "description", "references", "pass", "fail", "score",
                 "invalid", "total_checks", "hash_file", "end_scan", "start_scan"]
MESSAGES = {1701: "Agent does not exist", 1707: "Cannot send request, agent is not active",
            1750: "Could not send restart command, active-response is disabled in the agent",
            1652: "The command used is not defined in the configuration."}
AR_LIMIT = 500


def bad_request(detail):
    return 400, {"title": "Bad Request", "detail": detail, "error": 400}


def items(found, total=None, failed=None, msg="All selected items were returned"):
    failed = failed or []
    return 200, {"data": {"affected_items": found,
                          "total_affected_items": len(found) if total is None else total,
                          "total_failed_items": sum(len(f["id"]) for f in failed),
                          "failed_items": failed},
                 "message": msg, "error": 1 if failed else 0}


def failed_item(code, ids):
    return {"error": {"code": code, "message": MESSAGES.get(code, "error")}, "id": ids}


def version_tuple(version):
    try:
        return tuple(int(x) for x in version.split("v", 1)[1].split(".")[:3])
    except (IndexError, ValueError):
        return (0,)


def strip_nulls(value):
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def pick(obj, field):
    for part in field.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def select_fields(obj, select, always):
    if not select:
        return obj
    out = {}
    for field in set(select.split(",")) | always:
        value = pick(obj, field)
        if value is None:
            continue
        node = out
        parts = field.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def paged(found, params):
    try:
        offset = int(params.get("offset", "0"))
        limit = int(params.get("limit", "500"))
    except ValueError:
        return None
    if offset < 0 or not 1 <= limit <= 100000:
        return None
    return found[offset:offset + limit]


def condition(item, cond):
    for op in ("!=", "~", "=", "<", ">"):
        if op in cond:
            field, value = cond.split(op, 1)
            have = item.get(field.strip())
            text = "" if have is None else str(have)
            if op == "~":
                return value.lower() in text.lower()
            if op == "=":
                return text == value
            if op == "!=":
                return text != value
            try:
                return float(text) < float(value) if op == "<" else float(text) > float(value)
            except ValueError:
                return False
    raise ValueError("bad query: " + cond)


def query_matches(item, q):
    """Wazuh's q: ';' is AND, ',' is OR, AND binding tighter (as in SQL)."""
    return any(all(condition(item, c) for c in term.split(";")) for term in q.split(","))


class Fleet:
    def __init__(self, data):
        self.agents = {a["id"]: a for a in data["agents"]}
        self.ar_commands = data.get("ar_commands", {})

    def handle(self, method, path, body, modes=()):
        """(status, answer object, what was delivered or None); modes are
        the stand-in's hostile switches (repeat-pages, endless-agents=N)."""
        url = urlsplit(path)
        raw = parse_qs(url.query, keep_blank_values=True)
        params = {k: v[-1] for k, v in raw.items()}
        parts = [p for p in url.path.split("/") if p]
        if method == "GET" and parts == ["agents"]:
            return self.hostile_agents(params, modes) or self.list_agents(params) + (None,)
        if method == "GET" and len(parts) == 2 and parts[0] == "sca":
            return self.policies(parts[1], params) + (None,)
        if method == "GET" and len(parts) == 4 and parts[0] == "sca" and parts[2] == "checks":
            return self.checks(parts[1], parts[3], params) + (None,)
        if method == "PUT" and parts == ["active-response"]:
            return self.run_command(params, body)
        return 404, {"title": "Not Found", "detail": "no such endpoint", "error": 404}, None

    @staticmethod
    def unknown(params, allowed):
        extra = sorted(set(params) - allowed)
        return bad_request("Unknown parameter(s): " + ", ".join(extra)) if extra else None

    def list_agents(self, params):
        bad = self.unknown(params, AGENTS_PARAMS)
        if bad:
            return bad
        found = sorted(self.agents.values(), key=lambda a: int(a["id"]))
        if "agents_list" in params:
            wanted = set(params["agents_list"].split(","))
            found = [a for a in found if a["id"] in wanted]
        if "os.platform" in params:
            found = [a for a in found if pick(a, "os.platform") == params["os.platform"]]
        if "status" in params:
            found = [a for a in found if a["status"] in params["status"].split(",")]
        page = paged(found, params)
        if page is None:
            return bad_request("bad offset or limit")
        public = [{k: v for k, v in a.items() if k not in ("sca", "truth", "ar_disabled",
                                                            "disconnects_before_dispatch")}
                  for a in page]
        return items([select_fields(a, params.get("select"), {"id"}) for a in public],
                     total=len(found))

    def hostile_agents(self, params, modes):
        """A listing that never ends: the first page again and again under
        a total of a billion (repeat-pages), or 500 agents never listed
        before on every page under the total given (endless-agents=N)."""
        for mode in modes:
            if mode == "repeat-pages":
                status, answer = self.list_agents(dict(params, offset="0"))
                answer["data"]["total_affected_items"] = 10 ** 9
                return status, answer, None
            if mode.startswith("endless-agents="):
                offset = int(params.get("offset", "0"))
                page = [{"id": "%09d" % (10 ** 6 + offset + i), "name": "ghost-%d" % (offset + i),
                         "version": "Wazuh v4.14.7", "status": "active",
                         "os": {"platform": "windows"}} for i in range(500)]
                total = int(mode.split("=", 1)[1]) if offset == 0 else 10 ** 9
                return items(page, total=total) + (None,)
        return None

    def policies(self, agent_id, params):
        bad = self.unknown(params, SCA_PARAMS)
        if bad:
            return bad
        agent = self.agents.get(agent_id)
        if agent is None:
            return items([], failed=[failed_item(1701, [agent_id])],
                         msg="No SCA information was returned")
        found = [{k: p[k] for k in POLICY_FIELDS if k in p} for p in agent.get("sca", [])]
        page = paged(found, params)
        if page is None:
            return bad_request("bad offset or limit")
        return items([select_fields(p, params.get("select"), {"policy_id"}) for p in page],
                     total=len(found))

    def checks(self, agent_id, policy_id, params):
        bad = self.unknown(params, CHECKS_PARAMS)
        if bad:
            return bad
        agent = self.agents.get(agent_id)
        if agent is None:
            return items([], failed=[failed_item(1701, [agent_id])])
        every = [c for p in agent.get("sca", []) for c in p["checks"]]
        q = "policy_id=" + policy_id + (";" + params["q"] if params.get("q") else "")
        try:
            found = [c for c in every if query_matches(c, q)]
        except ValueError as e:
            return bad_request(str(e))
        for field in CHECK_FILTERS & set(params):
            found = [c for c in found if str(c.get(field)) == params[field]]
        found.sort(key=lambda c: c["id"])
        page = paged(found, params)
        if page is None:
            return bad_request("bad offset or limit")
        return items(page, total=len(found))

    def program(self, command):
        if command.startswith("!"):
            return "active-response/bin/" + command[1:]
        return "active-response/bin/" + self.ar_commands[command]

    def delivery(self, agent, command, arguments, alert):
        if version_tuple(agent.get("version", "")) < (4, 2):
            return command + (" " + " ".join(arguments) if arguments else " - -")
        return {"version": 1, "origin": {"name": None, "module": "wazuh-execd"},
                "command": "add",
                "parameters": {"extra_args": arguments or [], "alert": strip_nulls(alert or {}),
                               "program": self.program(command)}}

    def outcome(self, agent_id, command):
        agent = self.agents.get(agent_id)
        if agent is None:
            return 1701
        if agent["status"] != "active" or agent.get("disconnects_before_dispatch"):
            return 1707
        if agent.get("ar_disabled"):
            return 1750
        if not command.startswith("!") and command not in self.ar_commands:
            return 1652
        return 0

    def run_command(self, params, body):
        bad = self.unknown(params, AR_PARAMS)
        if bad:
            return bad + (None,)
        try:
            req = json.loads(body)
            if not isinstance(req, dict) or set(req) - {"command", "arguments", "alert"} or \
                    not isinstance(req.get("command"), str) or not req["command"]:
                raise ValueError("body must be {command, arguments, alert}")
        except ValueError as e:
            return bad_request(str(e)) + (None,)
        if "agents_list" in params:
            ids = params["agents_list"].split(",")
        else:
            ids = [i for i in self.agents if i != "000"]
        dropped = ids[AR_LIMIT:]
        delivered, taken, failed = {}, [], {}
        for agent_id in dict.fromkeys(ids[:AR_LIMIT]):
            code = self.outcome(agent_id, req["command"])
            if code:
                failed.setdefault(code, []).append(agent_id)
                continue
            taken.append(agent_id)
            delivered[agent_id] = self.delivery(self.agents[agent_id], req["command"],
                                                req.get("arguments"), req.get("alert"))
        taken.sort(key=int)
        status, answer = items(taken, failed=[failed_item(c, i) for c, i in failed.items()],
                               msg="AR command was sent to all agents" if not failed else
                               "AR command was not sent to some agents")
        return status, answer, {"request": req, "agents_list": params.get("agents_list"),
                                "delivered": delivered, "failed": failed,
                                "dropped": dropped}
