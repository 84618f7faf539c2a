#!/usr/bin/env bash
# Creates a least-privilege API user: one policy, one role holding it, one
# user holding the role.
#   WAZUH_API=https://manager:55000 ADMIN_USER=wazuh api-user.sh NEW_PASSWORD_FILE
#     the user the agents report with (ar-reporter): event:ingest only
#   WAZUH_API=https://manager:55000 ADMIN_USER=wazuh api-user.sh --sweep NEW_PASSWORD_FILE
#     the user of the manager-side sweep (ar-sweep): agent:read, sca:read and
#     active-response:command on agents
# Asks for the admin password on the terminal; prints nothing secret.
set -euo pipefail

API=${WAZUH_API:?set WAZUH_API, e.g. https://wazuh-manager:55000}
ADMIN=${ADMIN_USER:-wazuh}
if [ "${1:-}" = --sweep ]; then
	shift
	USER_NAME=${SWEEP_USER:-ar-sweep}
	POLICY_NAME=ar_sweep
	ROLE_NAME=ar_sweep
	RULE='{"actions": ["agent:read", "sca:read", "active-response:command"],
  "resources": ["agent:id:*"], "effect": "allow"}'
	WHAT="agent:read, sca:read, active-response:command"
else
	USER_NAME=${REPORT_USER:-ar-reporter}
	POLICY_NAME=ar_event_ingest
	ROLE_NAME=ar_reporter
	RULE='{"actions": ["event:ingest"], "resources": ["*:*:*"], "effect": "allow"}'
	WHAT="event:ingest only"
fi
PWFILE=${1:?usage: api-user.sh [--sweep] NEW_PASSWORD_FILE}
CURL=(curl -sS --fail-with-body ${WAZUH_CA:+--cacert "$WAZUH_CA"})

read -r -s -p "password for $ADMIN: " ADMIN_PW
echo
TOKEN=$("${CURL[@]}" -u "$ADMIN:$ADMIN_PW" -X POST "$API/security/user/authenticate?raw=true")
unset ADMIN_PW
auth=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")

first_id() { # the first affected item's id in an API answer
	python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["affected_items"][0]["id"])'
}

POLICY=$("${CURL[@]}" "${auth[@]}" -X POST "$API/security/policies" -d "{
  \"name\": \"$POLICY_NAME\", \"policy\": $RULE}" | first_id)
ROLE=$("${CURL[@]}" "${auth[@]}" -X POST "$API/security/roles" -d "{\"name\": \"$ROLE_NAME\"}" |
	first_id)
"${CURL[@]}" "${auth[@]}" -X POST "$API/security/roles/$ROLE/policies?policy_ids=$POLICY" >/dev/null
USER_ID=$(python3 -c 'import json,sys; print(json.dumps({"username": sys.argv[1],
  "password": open(sys.argv[2]).read().strip()}))' "$USER_NAME" "$PWFILE" |
	"${CURL[@]}" "${auth[@]}" -X POST "$API/security/users" -d @- | first_id)
"${CURL[@]}" "${auth[@]}" -X POST "$API/security/users/$USER_ID/roles?role_ids=$ROLE" >/dev/null
echo "user $USER_NAME (id $USER_ID) holds role $ROLE with policy $POLICY: $WHAT"
