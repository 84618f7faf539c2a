"""Writes the SPDX 2.3 SBOM (JSON) of the Windows package: the program, the
.exes it ships (with their checksums) and what is linked into them, named
by the exact Debian versions that build.sh recorded in BUILDINFO.

usage: sbom.py NAME VERSION LICENSE BUILDINFO OUT.spdx.json FILE...
FILE: relative paths, as the package holds them."""

import datetime
import hashlib
import json
import os
import sys
import uuid
from urllib.parse import quote


def read_buildinfo(path):
    info = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if sep:
                info[key] = value
    return info


def digest(path, algo):
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def debian_package(spdx_id, name, version, license_id, source=True):
    """A Debian (source) package at its exact version, with its purl."""
    purl = "pkg:deb/debian/%s@%s?%sdistro=debian-12" % (
        name, quote(version, safe=""), "arch=source&" if source else "")
    return {
        "SPDXID": spdx_id,
        "name": name,
        "versionInfo": version,
        "supplier": "Organization: Debian",
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": license_id,
        "copyrightText": "NOASSERTION",
        "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER",
                          "referenceType": "purl", "referenceLocator": purl}],
    }


def main():
    name, version, license_id, buildinfo, out = sys.argv[1:6]
    files = sys.argv[6:]
    info = read_buildinfo(buildinfo)
    when = datetime.datetime.fromtimestamp(int(info.get("source_date_epoch", "0")),
                                           datetime.timezone.utc)
    sums = sorted(digest(f, "sha256") for f in files)
    # The same files give the same document, namespace included.
    ns = uuid.uuid5(uuid.NAMESPACE_URL, "%s-%s:%s" % (name, version, ",".join(sums)))
    program = "SPDXRef-Package-" + name.replace("_", "-")
    linked = [
        debian_package("SPDXRef-Package-cjson", "cjson", info["cjson"], "MIT"),
        debian_package("SPDXRef-Package-curl", "curl", info["curl"], "curl"),
        debian_package("SPDXRef-Package-mingw-w64", "mingw-w64-common",
                       info.get("mingw-w64", "NOASSERTION"), "NOASSERTION", source=False),
        debian_package("SPDXRef-Package-gcc-mingw-w64", "gcc-mingw-w64-x86-64-win32",
                       info.get("gcc-mingw-w64", "NOASSERTION"), "NOASSERTION", source=False),
    ]
    doc = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "%s-%s-windows" % (name, version),
        "documentNamespace": "urn:uuid:%s" % ns,
        "creationInfo": {
            "created": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "creators": ["Tool: %s-package.sh-%s" % (name, version)],
            "comment": "Static .exes: the packages listed are linked into each of them "
                       "(cJSON and curl built from these Debian source packages, the C "
                       "runtime from the mingw-w64 packages).",
        },
        "packages": [{
            "SPDXID": program,
            "name": name,
            "versionInfo": version,
            "supplier": "NOASSERTION",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "licenseConcluded": license_id,
            "licenseDeclared": license_id,
            "copyrightText": "NOASSERTION",
            "primaryPackagePurpose": "APPLICATION",
            "sourceInfo": "commit %s" % info.get("commit", "unknown"),
        }] + linked,
        "files": [],
        "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT",
                           "relationshipType": "DESCRIBES",
                           "relatedSpdxElement": program}],
    }
    for i, path in enumerate(files):
        spdx_id = "SPDXRef-File-%d" % (i + 1)
        doc["files"].append({
            "SPDXID": spdx_id,
            "fileName": "./" + path.replace(os.sep, "/"),
            "fileTypes": ["BINARY"],
            "checksums": [{"algorithm": "SHA1", "checksumValue": digest(path, "sha1")},
                          {"algorithm": "SHA256", "checksumValue": digest(path, "sha256")}],
            "licenseConcluded": "NOASSERTION",
            "copyrightText": "NOASSERTION",
        })
        doc["relationships"].append({"spdxElementId": program, "relationshipType": "CONTAINS",
                                     "relatedSpdxElement": spdx_id})
        for pkg in linked:
            doc["relationships"].append({"spdxElementId": spdx_id,
                                         "relationshipType": "STATIC_LINK",
                                         "relatedSpdxElement": pkg["SPDXID"]})
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
