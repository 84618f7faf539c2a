#!/bin/sh
# The least-privilege API users, made (or found) on the manager:
#   WAZUH_API=https://manager:55000 api-user.sh [--reset-password] NEW_PASSWORD_FILE
#     the user the agents report with (ar-reporter): event:ingest only
#   WAZUH_API=https://manager:55000 api-user.sh --sweep [--reset-password] NEW_PASSWORD_FILE
#     the user of the manager-side sweep (ar-sweep): agent:read, sca:read and
#     active-response:command on agents
#   WAZUH_API=https://manager:55000 api-user.sh [--sweep] --remove
#     takes out that user, its role, and the policy named after it when no
#     other role holds it (never one of Wazuh's own)
# Also: WAZUH_CA (the API's CA), ADMIN_USER (default wazuh), REPORT_USER and
# SWEEP_USER (the user's name; its role and policy are named after it, '-'
# made '_'), AR_SWEEP (the sweep program, default from PATH).
#
# Each user holds one role holding one policy with the rule it needs. A run
# converges: a policy with the same rule is reused under any name (Wazuh's
# stock events_ingest_resourceless for the reporter), a role or user of the
# same name is reused, a password is changed only with --reset-password,
# and a second run changes nothing. A step that fails undoes what the run
# made and names the step and the API's own error. The work is done by the
# sweep's own program (--setup-api-user: C with cJSON and libcurl), so the
# manager needs nothing else. Asks for the admin password on the terminal
# (or takes one line on standard input); no secret stands on a command
# line, and the admin's token is revoked when the run ends.
set -eu

API=${WAZUH_API:?set WAZUH_API, e.g. https://wazuh-manager:55000}
case $API in
https://*) ;;
*)
	echo "api-user.sh: WAZUH_API must start with https:// (the admin password would travel in clear): $API" >&2
	exit 2
	;;
esac
ADMIN=${ADMIN_USER:-wazuh}
SWEEP=${AR_SWEEP:-win_ms_network_client_sign_if_server_agrees_sweep}
if ! command -v "$SWEEP" >/dev/null 2>&1; then
	echo "api-user.sh: $SWEEP not found: install the manager package (or set AR_SWEEP)" >&2
	exit 2
fi
NAME=${REPORT_USER:-ar-reporter}
for a in "$@"; do
	[ "$a" != --sweep ] || NAME=${SWEEP_USER:-ar-sweep}
done
set -- --setup-api-user --url "$API" --admin "$ADMIN" --user "$NAME" "$@"
if [ -n "${WAZUH_CA:-}" ]; then
	set -- "$@" --ca-file "$WAZUH_CA"
fi

if [ ! -t 0 ]; then
	exec "$SWEEP" "$@" # the password is the first line of standard input
fi
# On a terminal: read without echo, then handed over in a file of a private
# folder that is gone before the program starts (printf is a builtin: the
# password stands on no command line).
umask 077
PRIVATE=$(mktemp -d)
trap 'stty echo 2>/dev/null || :; rm -rf "$PRIVATE"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf 'password for %s: ' "$ADMIN" >&2
stty -echo
IFS= read -r ADMIN_PW || :
stty echo
echo >&2
printf '%s\n' "$ADMIN_PW" >"$PRIVATE/admin"
unset ADMIN_PW
exec 3<"$PRIVATE/admin"
rm -rf "$PRIVATE"
trap - EXIT INT TERM
exec "$SWEEP" "$@" <&3 3<&-
