#!/usr/bin/env python3
"""Prints the DLLs a PE file delay-loads, one a line, as named inside it.

The delay-import data directory is left empty by binutils' ld before 2.42
(the helper finds its descriptors through the thunks, not the header), so
the descriptors are found by their shape: eight 32-bit fields, the first
(attributes) 1 (RVAs), the name, module handle, IAT and INT addresses
inside the image, the name an ASCII string ending in ".dll", the time
stamp 0. Usage: pe_delay_imports.py FILE
"""
import struct
import sys


def sections(data):
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        raise ValueError("not a PE file")
    count, opt_size = struct.unpack_from("<2xH12xH", data, pe + 4)
    table = pe + 24 + opt_size
    for i in range(count):
        vsize, rva, rsize, raw = struct.unpack_from("<IIII", data, table + 40 * i + 8)
        yield rva, max(vsize, rsize), raw, rsize


def delay_dlls(data):
    secs = list(sections(data))

    def at(rva):
        for srva, size, raw, rsize in secs:
            if srva <= rva < srva + min(size, rsize):
                return raw + rva - srva
        return None

    names = []
    for srva, _size, raw, rsize in secs:
        for off in range(raw, raw + rsize - 32 + 1, 4):
            attrs, name, hmod, iat, int_, _b, _u, stamp = struct.unpack_from("<8I", data, off)
            if attrs != 1 or stamp != 0 or None in (at(name), at(hmod), at(iat), at(int_)):
                continue
            start = at(name)
            end = data.find(b"\0", start, start + 260)
            text = data[start:end] if end > start else b""
            if text.lower().endswith(b".dll") and all(0x20 < c < 0x7F for c in text):
                names.append(text.decode("ascii"))
    return names


def main():
    with open(sys.argv[1], "rb") as f:
        for name in delay_dlls(f.read()):
            print(name)


if __name__ == "__main__":
    main()
