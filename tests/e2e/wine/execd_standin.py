"""A small stand-in for wazuh-execd: starts the program, writes the message
line, reads one line from its standard output, checks it is a check_keys
message, answers with the original message whose command is REPLY, and keeps
standard input open while the program finishes, as execd does.

usage: execd_standin.py MESSAGE_FILE REPLY -- COMMAND...
prints {"check_keys": <message or null>, "exit": N, "rest": "<stdout after>"}"""

import json
import subprocess
import sys


def main():
    msg_file, reply = sys.argv[1], sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    with open(msg_file, "rb") as f:
        message = f.read()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    # The line ends in the message's own encoding (UTF-16LE where it has
    # that mark): a lone byte after it would be a broken character.
    newline = b"\n\x00" if message.startswith(b"\xff\xfe") else b"\n"
    proc.stdin.write(message if message.endswith(newline) else message + newline)
    proc.stdin.flush()
    line = proc.stdout.readline()
    keys = None
    if line:
        keys = json.loads(line)
        answer = json.loads(message)
        answer["command"] = reply
        proc.stdin.write(json.dumps(answer).encode() + b"\n")
        proc.stdin.flush()
    code = proc.wait(timeout=120)
    rest = proc.stdout.read()
    proc.stdin.close()
    print(json.dumps({"check_keys": keys, "exit": code, "rest": rest.decode("utf-8", "replace")}))


if __name__ == "__main__":
    main()
