#!/usr/bin/env bash
# Probe benchmark, whole commands (process start included), side by side in one hyperfine run per set:
#   seedance probe --json on 100 files, and on 1 file (the difference over 99 is the cost of each further file)
#   against one `ffprobe -v error -show_format -show_streams -of json FILE` process per file (the same 100 files).
# Two sets of 100 files, copies under a temporary folder:
#   deliveries: the Seedance-like probe fixtures (H.264/AAC MP4 as the API delivers them), cycled to 100 files;
#   real-world: the fixtures/realworld files that probe cleanly (phones, cameras, HEVC 10-bit, 101 tracks), cycled.
# Usage: Benchmarks/bench-probe.sh   (RUNS=10 for more runs; SEEDANCE=path to use another build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${RUNS:-10}
PEER_RUNS=${PEER_RUNS:-3}
BIN=${SEEDANCE:-$ROOT/.build/release/seedance}
[ -x "$BIN" ] || scripts/build-release.sh seedance >&2
command -v hyperfine >/dev/null || { echo "bench-probe: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
OUT=$(mktemp -d /tmp/seedance-bench-probe.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

make_set() {  # name, files...
  local name=$1; shift
  mkdir -p "$OUT/$name"
  local i=0
  while [ "$i" -lt 100 ]; do
    for f in "$@"; do
      [ "$i" -lt 100 ] || break
      cp "$f" "$OUT/$name/$(printf '%03d' "$i")-$(basename "$f")"
      i=$((i + 1))
    done
  done
}
make_set deliveries fixtures/probe/seedance-720p.mp4 fixtures/probe/seedance-480p-9x16.mp4 \
  fixtures/probe/seedance-720p-noaudio.mp4 fixtures/probe/aigc-labelled.mp4 fixtures/probe/moov-at-end.mp4 \
  fixtures/probe/phone-rotated.mp4
realworld=()
for f in fixtures/realworld/*; do
  case "$f" in *.md|*.m4s) continue ;; esac
  "$BIN" probe "$f" >/dev/null 2>&1 && realworld+=("$f")
done
make_set realworld "${realworld[@]}"

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); seedance $("$BIN" --version); $(ffprobe -version | head -1 | cut -d' ' -f1-3)"
for set in deliveries realworld; do
  files=$(ls "$OUT/$set"/* | tr '\n' ' ')
  first=$(ls "$OUT/$set"/* | head -1)
  hyperfine -N --style none --warmup 2 --runs "$RUNS" --export-json "$OUT/$set.json" \
    "$BIN probe --json $files" "$BIN probe --json $first" >/dev/null
  hyperfine --style none --warmup 0 --runs "$PEER_RUNS" --export-json "$OUT/$set-peer.json" \
    "for f in $files; do ffprobe -v error -show_format -show_streams -of json \$f >/dev/null; done" >/dev/null
  python3 - "$OUT/$set.json" "$OUT/$set-peer.json" "$set" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))["results"]
peer = json.load(open(sys.argv[2]))["results"][0]
all100, one = ours[0]["median"] * 1000, ours[1]["median"] * 1000
ff = peer["median"] * 1000
print(f"{sys.argv[3]:<11} seedance probe --json, 100 files {all100:7.1f} ms (min {ours[0]['min']*1000:.1f}) | 1 file {one:6.1f} ms"
      f" | each further file {(all100 - one) / 99:5.2f} ms | ffprobe x100 {ff:7.0f} ms | seedance is {ff / all100:5.1f}x faster")
PY
done
