"""Reads the C2PA manifest of a media file with c2pa-python (c2pa-rs inside) and prints what the tests check.

Usage: read_manifest.py FILE [--anchors PEM]

Prints one JSON object: the validation state, the codes of every validation status entry, the active manifest's
success and failure codes, and its first c2pa.actions(.v2) action (action, digitalSourceType, softwareAgent,
parameters), with the signer's issuer and common name. OCSP and remote manifests are never fetched, so the result
depends on the file and the anchors alone. Without --anchors, no certificate is trusted.
"""
import argparse
import json
import sys

import c2pa

# The extended key usages c2pa-rs accepts when trust anchors are given (its test store.cfg): emailProtection,
# documentSigning, timeStamping, OCSPSigning, Microsoft's C2PA signing OID and the C2PA claim-signing OID.
ALLOWED_EKUS = "\n".join([
    "1.3.6.1.5.5.7.3.4",
    "1.3.6.1.5.5.7.3.36",
    "1.3.6.1.5.5.7.3.8",
    "1.3.6.1.5.5.7.3.9",
    "1.3.6.1.4.1.311.76.59.1.9",
    "1.3.6.1.4.1.62558.2.1",
]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--anchors", help="PEM bundle of trust anchors")
    args = parser.parse_args()

    settings = {"verify": {"verify_trust": True, "ocsp_fetch": False, "remote_manifest_fetch": False}}
    if args.anchors:
        with open(args.anchors, encoding="utf-8") as handle:
            settings["trust"] = {"trust_anchors": handle.read(), "trust_config": ALLOWED_EKUS}
    context = c2pa.Context(c2pa.Settings.from_dict(settings))
    try:
        reader = c2pa.Reader(args.file, context=context)
    except c2pa.C2paError as error:
        print(json.dumps({"error": type(error).__name__, "message": str(error)}))
        return 0
    store = json.loads(reader.json())
    active_label = store.get("active_manifest")
    manifest = store.get("manifests", {}).get(active_label, {})
    results = (store.get("validation_results") or {}).get("activeManifest") or {}
    action = None
    for assertion in manifest.get("assertions", []):
        if assertion.get("label", "").startswith("c2pa.actions"):
            actions = assertion.get("data", {}).get("actions", [])
            action = actions[0] if actions else None
            break
    signature = manifest.get("signature_info") or {}
    print(json.dumps({
        "validation_state": store.get("validation_state"),
        "status_codes": [entry.get("code") for entry in store.get("validation_status") or []],
        "success_codes": [entry.get("code") for entry in results.get("success") or []],
        "failure_codes": [entry.get("code") for entry in results.get("failure") or []],
        "claim_version": manifest.get("claim_version"),
        "title": manifest.get("title"),
        "claim_generator_info": manifest.get("claim_generator_info"),
        "action": action,
        "signer_issuer": signature.get("issuer"),
        "signer_common_name": signature.get("common_name"),
        "signature_alg": signature.get("alg"),
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
