"""A running Wazuh server API (4.x) handed to the suites, as an administrator
points them at a test Wazuh of their own:

  WAZUH_API_URL            https://host:55000
  WAZUH_API_USER           an administrator of that API (default: wazuh)
  WAZUH_API_PASSWORD_FILE  a file holding its password (one line)
  WAZUH_API_CA             the CA of the API's certificate (default: the
                           system's trust store)

The suites make and remove only API users, roles and policies of their own
(named ar-test-<pid>-...), reuse what exists (Wazuh's stock policies), and
POST /events adds one event to the manager; nothing else of it changes.
Without WAZUH_API_URL each suite that needs it says so in one line."""

import os
import sys

SKIP_LINE = "skipped: no WAZUH_API_URL given"


class GivenApi:
    def __init__(self, url, user, password_file, ca):
        self.url = url.rstrip("/")
        self.user = user
        self.password_file = password_file
        self.ca = ca

    def password(self):
        with open(self.password_file, encoding="utf-8") as f:
            return f.readline().rstrip("\r\n")

    def env(self):
        """The environment api-user.sh takes, pointed at this API."""
        env = dict(os.environ, WAZUH_API=self.url, ADMIN_USER=self.user)
        if self.ca:
            env["WAZUH_CA"] = self.ca
        else:
            env.pop("WAZUH_CA", None)
        return env


def given():
    """The API handed to the suites, or None (nothing given). A URL given
    without a password file is an error, not a skip."""
    url = os.environ.get("WAZUH_API_URL")
    if not url:
        return None
    password_file = os.environ.get("WAZUH_API_PASSWORD_FILE")
    if not password_file or not os.path.isfile(password_file):
        raise SystemExit("WAZUH_API_URL is given: WAZUH_API_PASSWORD_FILE must name the file "
                         "holding WAZUH_API_USER's password")
    return GivenApi(url, os.environ.get("WAZUH_API_USER", "wazuh"), password_file,
                    os.environ.get("WAZUH_API_CA") or None)


def say_skipped():
    """The one line a suite prints when no API is given."""
    print(SKIP_LINE, file=sys.stderr, flush=True)
