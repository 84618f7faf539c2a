#!/usr/bin/env bash
# Creates a least-privilege API user: one policy, one role holding it, one
# user holding the role.
#   WAZUH_API=https://manager:55000 ADMIN_USER=wazuh api-user.sh NEW_PASSWORD_FILE
#     the user the agents report with (ar-reporter): event:ingest only
#   WAZUH_API=https://manager:55000 ADMIN_USER=wazuh api-user.sh --sweep NEW_PASSWORD_FILE
#     the user of the manager-side sweep (ar-sweep): agent:read, sca:read and
#     active-response:command on agents
# Asks for the admin password on the terminal; prints nothing secret.
# No secret stands on a command line (any local user can read those): curl
# reads the admin's credentials and the token from files in a private
# temporary folder, and the new password from standard input. The admin's
# token is revoked when the script ends, however it ends.
set -euo pipefail

API=${WAZUH_API:?set WAZUH_API, e.g. https://wazuh-manager:55000}
case $API in
https://*) ;;
*)
	echo "api-user.sh: WAZUH_API must start with https:// (the admin password would travel in clear): $API" >&2
	exit 2
	;;
esac
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
# Every request is bounded: a server that stops answering cannot hold the
# admin's token open.
CURL=(curl -sS --fail-with-body --connect-timeout 10 --max-time 60
	${WAZUH_CA:+--cacert "$WAZUH_CA"})

umask 077
PRIVATE=$(mktemp -d)
TOKEN_FILE=$PRIVATE/auth # "Authorization: Bearer ..." once logged in

finish() {
	local code=$?
	trap - EXIT INT TERM HUP
	if [ -s "$TOKEN_FILE" ] &&
		! "${CURL[@]}" -H @"$TOKEN_FILE" -X DELETE "$API/security/user/authenticate" >/dev/null; then
		echo "api-user.sh: could not revoke the admin's token (it expires by itself)" >&2
		[ "$code" -ne 0 ] || code=1
	fi
	rm -rf "$PRIVATE"
	exit "$code"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# curl's configuration syntax: a quoted value escapes '\' and '"'.
curl_quote() {
	local v=${1//\\/\\\\}
	printf '"%s"' "${v//\"/\\\"}"
}

read -r -s -p "password for $ADMIN: " ADMIN_PW
echo
# printf is a shell builtin: the password reaches the file, no command line.
printf 'user = %s\n' "$(curl_quote "$ADMIN:$ADMIN_PW")" >"$PRIVATE/login"
unset ADMIN_PW
TOKEN=$("${CURL[@]}" -K "$PRIVATE/login" -X POST "$API/security/user/authenticate?raw=true")
rm -f "$PRIVATE/login"
printf 'Authorization: Bearer %s\n' "$TOKEN" >"$TOKEN_FILE"
unset TOKEN
auth=(-H @"$TOKEN_FILE" -H "Content-Type: application/json")

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
