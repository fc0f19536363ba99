"""Reads files with c2pa-python (c2pa-rs inside) for Tests/ProvenanceTests: one JSON object a line per file,
{"file", "state", "status": [[code, url], ...], "success": [...], "failure": [...], "informational": [...]}, or
{"file", "error"} when the reader refuses the file. No network: OCSP and remote manifests are off.

usage: read_c2pa.py [--anchors PEM --eku CFG] FILE...
"""
import json
import sys

import c2pa


def main():
    args = sys.argv[1:]
    settings = {"verify": {"ocsp_fetch": False, "remote_manifest_fetch": False}}
    if args and args[0] == "--anchors":
        settings["verify"]["verify_trust"] = True
        settings["trust"] = {"trust_anchors": open(args[1]).read(), "trust_config": open(args[3]).read()}
        args = args[4:]
    context = c2pa.Context.from_dict(settings)
    for path in args:
        try:
            with c2pa.Reader(path, context=context) as reader:
                report = json.loads(reader.json())
        except Exception as error:  # the reader's refusal (no manifest, unreadable) is a result too
            print(json.dumps({"file": path, "error": str(error)}))
            continue
        active = report.get("validation_results", {}).get("activeManifest", {})
        print(json.dumps({
            "file": path,
            "state": report.get("validation_state"),
            "status": [[s["code"], s.get("url", "")] for s in report.get("validation_status", [])],
            **{kind: sorted({s["code"] for s in active.get(kind, [])}) for kind in ("success", "failure", "informational")},
        }))


if __name__ == "__main__":
    main()
