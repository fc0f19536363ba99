#!/usr/bin/env bash
# QA benchmark: wall time of fully checking a 5 s 720p clip (probe + decode + blackdetect/freezedetect/silencedetect/
# astats + 12 checks) with `seedance verify`, against the peer a user would script: ffprobe for the facts plus one
# ffmpeg pass running the same detectors. Best and median of N runs each, one process per run for both.
# Usage: Benchmarks/bench-qa.sh [CLIP] [RUNS]   (SEEDANCE=path/to/seedance to use another build)
set -euo pipefail
cd "$(dirname "$0")/.."
CLIP=${1:-fixtures/probe/seedance-720p.mp4}
RUNS=${2:-15}
BIN=${SEEDANCE:-.build/release/seedance}
[ -x "$BIN" ] || scripts/build-release.sh seedance >&2

# Wall time is at the mercy of other processes on a shared machine; CPU time (user + sys) much less so: both.
# The peer as one process tree, so /usr/bin/time counts both programs.
PEER="ffprobe -v error -show_format -show_streams -of json '$CLIP' >/dev/null && \
ffmpeg -hide_banner -nostats -i '$CLIP' -vf blackdetect=d=0,freezedetect=n=-60dB:d=0.5 \
  -af silencedetect=n=-60dB:d=0.5,astats=measure_perchannel=none -f null - 2>/dev/null"

echo "clip: $CLIP ($(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,nb_frames -of csv=p=0 "$CLIP"))"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
# Interleaved rounds (seedance, peer, floor, seedance, ...) so that changing load hits all three alike.
OURS_ROWS=$(mktemp); PEER_ROWS=$(mktemp); FLOOR_ROWS=$(mktemp)
for _ in $(seq "$RUNS"); do
  /usr/bin/time -a -o "$OURS_ROWS" -f "%e %U %S" "$BIN" verify "$CLIP" --resolution 720p --ratio 16:9 --duration 5 \
    --json >/dev/null 2>&1 || true
  /usr/bin/time -a -o "$PEER_ROWS" -f "%e %U %S" bash -c "$PEER" >/dev/null 2>&1 || true
  /usr/bin/time -a -o "$FLOOR_ROWS" -f "%e %U %S" ffmpeg -hide_banner -nostats -loglevel error -i "$CLIP" -f null - \
    >/dev/null 2>&1 || true
done
summary() {  # label, rows file
  local rows; rows=$(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' "$2")
  local wall cpu
  wall=$(echo "$rows" | awk '{print $1 * 1000}' | sort -n | awk '{a[NR]=$1} END {printf "best %5.0f ms median %5.0f ms", a[1], a[int((NR+1)/2)]}')
  cpu=$(echo "$rows" | awk '{print ($2 + $3) * 1000}' | sort -n | awk '{a[NR]=$1} END {printf "best %5.0f ms median %5.0f ms (n=%d)", a[1], a[int((NR+1)/2)], NR}')
  printf '%-36s wall %s | cpu %s\n' "$1" "$wall" "$cpu"
  echo "$rows" | awk '{print ($2 + $3) * 1000}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' > "$2.median"
}
summary "seedance verify (in-process)" "$OURS_ROWS"
summary "ffprobe + ffmpeg detectors (peer)" "$PEER_ROWS"
summary "ffmpeg decode only (floor)" "$FLOOR_ROWS"
awk -v o="$(cat "$OURS_ROWS.median")" -v p="$(cat "$PEER_ROWS.median")" -v f="$(cat "$FLOOR_ROWS.median")" \
  'BEGIN {printf "median CPU: seedance verify is %.2fx the peer, %.2fx a bare decode\n", o / p, o / f}'
rm -f "$OURS_ROWS" "$PEER_ROWS" "$FLOOR_ROWS" "$OURS_ROWS.median" "$PEER_ROWS.median" "$FLOOR_ROWS.median"

# A folder of deliveries: BATCH copies of the clip checked by one `seedance verify FILE...` (files in parallel, one
# per core) against the peer run on each file with `xargs -P <cores>`. Wall time, since both use every core.
BATCH=${BATCH:-50}
BATCH_RUNS=${BATCH_RUNS:-3}
if [ "$BATCH" -gt 0 ]; then
  command -v hyperfine >/dev/null || { echo "bench-qa: the batch case needs hyperfine" >&2; exit 2; }
  DIR=$(mktemp -d /tmp/seedance-bench-qa.XXXXXX)
  trap 'rm -rf "$DIR"' EXIT
  for i in $(seq -w 1 "$BATCH"); do cp "$CLIP" "$DIR/clip-$i.mp4"; done
  CORES=$(nproc)
  PEER_ONE="ffprobe -v error -show_format -show_streams -of json \"\$0\" >/dev/null && ffmpeg -hide_banner -nostats \
-i \"\$0\" -vf blackdetect=d=0,freezedetect=n=-60dB:d=0.5 -af silencedetect=n=-60dB:d=0.5,astats=measure_perchannel=none \
-f null - 2>/dev/null"
  hyperfine --style none --warmup 1 --runs "$BATCH_RUNS" --export-json "$DIR/batch.json" -i \
    "$BIN verify $DIR/*.mp4 --resolution 720p --ratio 16:9 --duration 5 --json" \
    "ls $DIR/*.mp4 | xargs -P $CORES -n 1 sh -c '$PEER_ONE'" >/dev/null
  python3 - "$DIR/batch.json" "$BATCH" "$CORES" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, peer = r[0], r[1]
print(f"{sys.argv[2]} clips: seedance verify FILE... wall median {ours['median']*1000:6.0f} ms (min {ours['min']*1000:.0f}) | "
      f"peer with xargs -P {sys.argv[3]} {peer['median']*1000:6.0f} ms (min {peer['min']*1000:.0f}) | "
      f"ratio {ours['median']/peer['median']:.2f}x")
PY
fi
