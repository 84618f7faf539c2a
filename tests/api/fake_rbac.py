"""The security endpoints of the API stand-in (fake_wazuh_api.py), as the
Wazuh 4.x server API answers them (facts from its RBAC defaults and
framework, v4.14.7): the stock users, roles and policies (ids 1 to 99 are
Wazuh's own and refused to changes with 4008 / 5004), names that must be
unique, and a policy whose rule is the same text as an existing one's
refused too, with 4009 inside an HTTP 200 answer (data.failed_items,
total_affected_items 0), as every per-item refusal is.

A mode line "refuse=METHOD PATH CODE" makes requests of that method to that
path (no query) answer 200 with the code in failed_items, changing nothing."""

import json
from urllib.parse import parse_qs

RESERVED = 99
MESSAGES = {
    4002: "The specified role does not exist",
    4005: "The specified name or rule already exists",
    4006: "The specified policy is invalid",
    4007: "The specified policy does not exist",
    4008: "The specified resource is required for a correct Wazuh's functionality",
    4009: "The specified name or policy already exists",
    4010: "The specified role-policy relation does not exist",
    4011: "The specified role-policy link already exist",
    4016: "The specified user-role relation does not exist",
    4017: "The specified user-role relation already exists",
    5000: "The user could not be created",
    5001: "The user does not exist",
    5004: "The user could not be removed or updated",
    5009: "Insecure user password provided",
    5011: "Administrator users can only be modified by themselves",
}

ANY, AGENTS = ["*:*:*"], ["agent:id:*"]
# The stock policies in the order Wazuh creates them (ids 1..35):
# <default policy>_<its part>, and the rule as Wazuh stores it.
STOCK_POLICIES = [
    ("agents_all_resourceless", ["agent:create", "group:create", "agent:uninstall"], ANY),
    ("agents_all_agents", ["agent:read", "agent:delete", "agent:modify_group", "agent:reconnect",
                           "agent:restart", "agent:upgrade"], ["agent:id:*", "agent:group:*"]),
    ("agents_all_groups", ["group:read", "group:delete", "group:update_config",
                           "group:modify_assignments"], ["group:id:*"]),
    ("agents_read_agents", ["agent:read"], ["agent:id:*", "agent:group:*"]),
    ("agents_read_groups", ["group:read"], ["group:id:*"]),
    ("agents_commands_agents", ["active-response:command"], AGENTS),
    ("security_all_resourceless", ["security:create", "security:create_user",
                                   "security:read_config", "security:update_config",
                                   "security:revoke", "security:edit_run_as"], ANY),
    ("security_all_security", ["security:read", "security:update", "security:delete"],
     ["role:id:*", "policy:id:*", "user:id:*", "rule:id:*"]),
    ("users_all_resourceless", ["security:create_user", "security:revoke",
                                "security:edit_run_as"], ANY),
    ("users_all_users", ["security:read", "security:update", "security:delete"], ["user:id:*"]),
    ("users_modify_run_as_flag", ["security:edit_run_as"], ANY),
    ("ciscat_read_ciscat", ["ciscat:read"], AGENTS),
    ("decoders_read_decoders", ["decoders:read"], ["decoder:file:*"]),
    ("decoders_all_files", ["decoders:read", "decoders:delete"], ["decoder:file:*"]),
    ("decoders_all_resourceless", ["decoders:update"], ANY),
    ("mitre_read_mitre", ["mitre:read"], ANY),
    ("lists_read_rules", ["lists:read"], ["list:file:*"]),
    ("lists_all_rules", ["lists:read", "lists:delete"], ["list:file:*"]),
    ("lists_all_resourceless", ["lists:update"], ANY),
    ("rootcheck_read_rootcheck", ["rootcheck:read"], AGENTS),
    ("rootcheck_all_rootcheck", ["rootcheck:clear", "rootcheck:read", "rootcheck:run"], AGENTS),
    ("rules_read_rules", ["rules:read"], ["rule:file:*"]),
    ("rules_all_files", ["rules:read", "rules:delete"], ["rule:file:*"]),
    ("rules_all_resourceless", ["rules:update"], ANY),
    ("sca_read_sca", ["sca:read"], AGENTS),
    ("syscheck_read_syscheck", ["syscheck:read"], AGENTS),
    ("syscheck_all_syscheck", ["syscheck:clear", "syscheck:read", "syscheck:run"], AGENTS),
    ("syscollector_read_syscollector", ["syscollector:read"], AGENTS),
    ("cluster_all_resourceless", ["cluster:status", "manager:read", "manager:read_api_config",
                                  "manager:update_config", "manager:restart"], ANY),
    ("cluster_all_nodes", ["cluster:read_api_config", "cluster:read", "cluster:restart",
                           "cluster:update_config"], ["node:id:*"]),
    ("cluster_read_resourceless", ["cluster:status", "manager:read", "manager:read_api_config"],
     ANY),
    ("cluster_read_nodes", ["cluster:read_api_config", "cluster:read", "cluster:read_api_config"],
     ["node:id:*"]),
    ("logtest_all_logtest", ["logtest:run"], ANY),
    ("task_status_task", ["task:status"], ANY),
    ("events_ingest_resourceless", ["event:ingest"], ANY),
]
# The stock roles (ids 1..7) and the default policies each holds (every
# part of each).
STOCK_ROLES = [
    ("administrator", ["agents_all", "agents_commands", "security_all", "cluster_all",
                       "ciscat_read", "decoders_all", "lists_all", "rootcheck_all", "rules_all",
                       "mitre_read", "sca_read", "syscheck_all", "syscollector_read",
                       "logtest_all", "task_status", "events_ingest"]),
    ("readonly", ["agents_read", "ciscat_read", "cluster_read", "decoders_read", "lists_read",
                  "rootcheck_read", "rules_read", "mitre_read", "sca_read", "syscheck_read",
                  "syscollector_read"]),
    ("users_admin", ["users_all"]),
    ("agents_readonly", ["agents_read"]),
    ("agents_admin", ["agents_all"]),
    ("cluster_readonly", ["cluster_read"]),
    ("cluster_admin", ["cluster_all"]),
]
STOCK_USERS = [("wazuh", "wazuh"), ("wazuh-wui", "wazuh-wui")]


def answer(affected, failed=(), msg="", **extra):
    """An AffectedItems answer, as the API renders one: failed entries
    grouped by code, error 0 (all), 1 (none) or 2 (some)."""
    by_code = {}
    for code, id_ in failed:
        by_code.setdefault(code, []).append(id_)
    data = {"affected_items": affected, "total_affected_items": len(affected),
            "total_failed_items": len(failed),
            "failed_items": [{"error": {"code": c, "message": MESSAGES.get(c, "Refused")},
                              "id": sorted(ids, key=str)} for c, ids in sorted(by_code.items())]}
    data.update(extra)
    return 200, {"data": data, "message": msg,
                 "error": 2 if affected and failed else 1 if failed else 0}


def bad_request(code):
    return 400, {"title": "Bad Request", "detail": MESSAGES.get(code, "Bad Request"),
                 "error": code}


class Rbac:
    def __init__(self):
        self.policies = {}  # id -> {"name", "text" (the rule as stored)}
        self.roles = {}  # id -> {"name", "policies": [ids]}
        self.users = {}  # id -> {"username", "password", "roles": [ids]}
        for i, (name, actions, resources) in enumerate(STOCK_POLICIES, 1):
            self.policies[i] = {"name": name, "text": json.dumps(
                {"actions": actions, "resources": resources, "effect": "allow"})}
        for i, (name, defaults) in enumerate(STOCK_ROLES, 1):
            ids = [pid for d in defaults for pid, p in self.policies.items()
                   if p["name"].startswith(d + "_")]
            self.roles[i] = {"name": name, "policies": ids}
        for i, (name, password) in enumerate(STOCK_USERS, 1):
            self.users[i] = {"username": name, "password": password, "roles": [1]}

    # What the API lists of each object.
    def policy_item(self, i):
        p = self.policies[i]
        return {"id": i, "name": p["name"], "policy": json.loads(p["text"]),
                "roles": sorted(r for r, role in self.roles.items() if i in role["policies"])}

    def role_item(self, i):
        r = self.roles[i]
        return {"id": i, "name": r["name"], "policies": list(r["policies"]),
                "users": sorted(u for u, user in self.users.items() if i in user["roles"]),
                "rules": []}

    def user_item(self, i):
        u = self.users[i]
        return {"id": i, "username": u["username"], "allow_run_as": False,
                "roles": list(u["roles"])}

    def snapshot(self):
        return {"policies": [self.policy_item(i) for i in sorted(self.policies)],
                "roles": [self.role_item(i) for i in sorted(self.roles)],
                "users": [dict(self.user_item(i), password=self.users[i]["password"])
                          for i in sorted(self.users)]}

    @staticmethod
    def next_id(table):
        return max([RESERVED] + list(table)) + 1

    def handle(self, method, path, query, body, mode_lines):
        """(status, answer) for a request to /security/..., path without
        its query."""
        q = {k: v[-1] for k, v in parse_qs(query).items()}
        for line in mode_lines:
            if line.startswith("refuse="):
                m, p, code = line[len("refuse="):].split(" ")
                if m == method and p == path:
                    return answer([], [(int(code), q.get("policy_ids") or q.get("role_ids") or
                                        q.get("user_ids") or "x")], "Refused for the test")
        parts = path.split("/")[2:]
        kind = parts[0] if parts else ""
        table = {"policies": (self.policies, self.policy_item, "policy_ids"),
                 "roles": (self.roles, self.role_item, "role_ids"),
                 "users": (self.users, self.user_item, "user_ids")}.get(kind)
        if table is None:
            return 404, {"title": "Not Found", "detail": "no such endpoint", "error": 404}
        try:
            obj = json.loads(body) if body else {}
        except ValueError as e:
            return 400, {"title": "Bad Request", "detail": str(e), "error": 400}
        if len(parts) == 1:
            return self.collection(method, kind, table, q, obj)
        if not parts[1].isdigit():
            return 404, {"title": "Not Found", "detail": "no such endpoint", "error": 404}
        oid = int(parts[1])
        if len(parts) == 2 and method == "PUT" and kind == "users":
            return self.set_password(oid, obj)
        if len(parts) == 3 and (kind, parts[2]) in (("roles", "policies"), ("users", "roles")):
            return self.link(method, kind, oid, parts[2], q)
        return 404, {"title": "Not Found", "detail": "no such endpoint", "error": 404}

    def collection(self, method, kind, table, q, obj):
        rows, item, ids_key = table
        if method == "GET":
            ids = sorted(rows)
            if q.get(ids_key):
                ids = [i for i in ids if str(i) in q[ids_key].split(",")]
            offset, limit = int(q.get("offset", 0)), int(q.get("limit", 500))
            return answer([item(i) for i in ids[offset:offset + limit]],
                          total_affected_items=len(ids))
        if method == "DELETE":
            return self.delete(kind, rows, item, q.get(ids_key, ""))
        if method != "POST":
            return 405, {"title": "Method Not Allowed", "error": 405}
        return {"policies": self.add_policy, "roles": self.add_role,
                "users": self.add_user}[kind](obj)

    def add_policy(self, obj):
        name, rule = obj.get("name"), obj.get("policy")
        if not isinstance(rule, dict) or set(rule) != {"actions", "resources", "effect"}:
            return answer([], [(4006, name)], "Policy was not created")
        text = json.dumps(rule)
        if any(p["name"] == name or p["text"] == text for p in self.policies.values()):
            return answer([], [(4009, name)], "Policy was not created")
        i = self.next_id(self.policies)
        self.policies[i] = {"name": name, "text": text}
        return answer([self.policy_item(i)], msg="Policy was successfully created")

    def add_role(self, obj):
        name = obj.get("name")
        if any(r["name"] == name for r in self.roles.values()):
            return answer([], [(4005, name)], "Role was not created")
        i = self.next_id(self.roles)
        self.roles[i] = {"name": name, "policies": []}
        return answer([self.role_item(i)], msg="Role was successfully created")

    def add_user(self, obj):
        name, password = obj.get("username"), obj.get("password") or ""
        if not 8 <= len(password) <= 64:
            return bad_request(5009)
        if any(u["username"] == name for u in self.users.values()):
            return answer([], [(5000, name)], "User could not be created")
        i = self.next_id(self.users)
        self.users[i] = {"username": name, "password": password, "roles": []}
        return answer([self.user_item(i)], msg="User was successfully created")

    def set_password(self, oid, obj):
        password = obj.get("password")
        if password is None:
            return bad_request(4001)
        if not 8 <= len(password) <= 64:
            return bad_request(5009)
        if oid <= RESERVED:
            return bad_request(5011)
        if oid not in self.users:
            return answer([], [(5001, oid)], "User could not be updated")
        self.users[oid]["password"] = password
        return answer([self.user_item(oid)], msg="User was successfully updated")

    def delete(self, kind, rows, item, ids):
        missing = {"policies": 4007, "roles": 4002, "users": 5001}[kind]
        reserved = 5004 if kind == "users" else 4008
        done, failed = [], []
        for i in [int(x) for x in ids.split(",") if x.isdigit()]:
            if i not in rows:
                failed.append((missing, i))
            elif i <= RESERVED:
                failed.append((reserved, i))
            else:
                done.append(item(i))
                del rows[i]
                for holder in (self.roles if kind == "policies" else
                               self.users if kind == "roles" else {}).values():
                    links = holder["policies" if kind == "policies" else "roles"]
                    if i in links:
                        links.remove(i)
        return answer(done, failed)

    def link(self, method, kind, oid, what, q):
        holders, held = (self.roles, self.policies) if kind == "roles" else \
            (self.users, self.roles)
        ids_key = "policy_ids" if what == "policies" else "role_ids"
        unknown_holder = 4002 if kind == "roles" else 5001
        unknown_held = 4007 if what == "policies" else 4002
        exists, absent = (4011, 4010) if what == "policies" else (4017, 4016)
        if oid not in holders:
            return answer([], [(unknown_holder, oid)])
        if oid <= RESERVED:
            return answer([], [(4008, oid)])
        links = holders[oid][what]
        done, failed = 0, []
        for i in [int(x) for x in q.get(ids_key, "").split(",") if x.isdigit()]:
            if i not in held:
                failed.append((unknown_held, i))
            elif method == "POST" and i in links:
                failed.append((exists, i))
            elif method == "DELETE" and i not in links:
                failed.append((absent, i))
            else:
                done += 1
                links.append(i) if method == "POST" else links.remove(i)
        item = self.role_item(oid) if kind == "roles" else self.user_item(oid)
        status, ans = answer([item] if done else [], failed)
        ans["data"]["total_affected_items"] = done
        return status, ans
