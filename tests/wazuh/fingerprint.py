#!/usr/bin/python3
"""What a given Wazuh folder or file holds, to show that the tests left it
as it was:

    fingerprint.py PATH [PART...]
        one line a file, folder or link: PATH itself when it is a file, else
        everything under the PARTs of it (default all of it), links not
        followed, sorted by path; each with its type and mode, owner,
        group, size, times of change (modification and status) and, for a
        file, its SHA-256, for a link, its target. Anything written, made,
        removed, or given another owner or mode changes a line."""

import hashlib
import json
import os
import stat
import sys


def record(path):
    st = os.lstat(path)
    what = None
    if stat.S_ISLNK(st.st_mode):
        what = os.readlink(path)
    elif stat.S_ISREG(st.st_mode):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        what = h.hexdigest()
    return (st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime_ns, st.st_ctime_ns, what)


def fingerprint(top, parts=None):
    """{path relative to top: record} (see the module's text)."""
    if not os.path.isdir(top):
        return {os.path.basename(top): record(top)}
    out = {}
    for start in [top] if not parts else [os.path.join(top, p) for p in parts]:
        if not os.path.isdir(start):
            if os.path.lexists(start):
                out[os.path.relpath(start, top)] = record(start)
            continue
        for dirpath, dirnames, filenames in os.walk(start):
            out[os.path.relpath(dirpath, top)] = record(dirpath)
            for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                path = os.path.join(dirpath, name)
                out[os.path.relpath(path, top)] = record(path)
    return out


def live(top):
    """Whether a process runs one of the folder's own programs (a manager
    in use, whose queues and logs change by themselves)."""
    bin_dir = os.path.join(top, "bin") + os.sep
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and os.readlink("/proc/%s/exe" % pid).startswith(bin_dir):
                return True
        except OSError:
            pass
    return False


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    for path, rec in sorted(fingerprint(argv[1], argv[2:]).items()):
        print(json.dumps([path] + list(rec)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
