"""c2pa-python's reader on the same file, for seedance-bench provenance.

`provenance_c2pa.py once FILE`: read and validate once (the whole-command peer: one process per read, as
`seedance provenance FILE` is one process per run). `provenance_c2pa.py ITERATIONS FILE`: read ITERATIONS times in
this process, print milliseconds per read (median of 5 rounds). The reader validates as it reads: hard binding,
hashed URIs, claim signatures, time stamps, with c2pa-rs's default settings (no trust anchors) and no network.
"""
import json
import sys
import time

import c2pa

SETTINGS = {"verify": {"ocsp_fetch": False, "remote_manifest_fetch": False}}


def read(path, context):
    with c2pa.Reader(path, context=context) as reader:
        report = json.loads(reader.json())
    return report.get("validation_state")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    context = c2pa.Context.from_dict(SETTINGS)
    if mode == "once":
        print(read(path, context))
        return
    iterations = int(mode)
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(iterations):
            read(path, context)
        samples.append((time.perf_counter() - start) * 1000 / iterations)
    samples.sort()
    print(f"{samples[len(samples) // 2]:.4f}")


if __name__ == "__main__":
    main()
