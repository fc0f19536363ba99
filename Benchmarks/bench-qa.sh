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
[ -x "$BIN" ] || swift build -c release --product seedance >&2

# Wall time is at the mercy of other processes on a shared machine; CPU time (user + sys) much less so: both.
measure() {  # label, command...
  local label=$1; shift
  local log; log=$(mktemp)
  for _ in $(seq "$RUNS"); do
    # verify exits 1 when a check fails: timing, not verdicts.
    /usr/bin/time -a -o "$log" -f "%e %U %S" "$@" >/dev/null 2>&1 || true
  done
  local rows; rows=$(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' "$log")
  local wall cpu
  wall=$(echo "$rows" | awk '{print $1 * 1000}' | sort -n | awk '{a[NR]=$1} END {printf "best %5.0f ms median %5.0f ms", a[1], a[int((NR+1)/2)]}')
  cpu=$(echo "$rows" | awk '{print ($2 + $3) * 1000}' | sort -n | awk '{a[NR]=$1} END {printf "best %5.0f ms median %5.0f ms (n=%d)", a[1], a[int((NR+1)/2)], NR}')
  printf '%-36s wall %s | cpu %s\n' "$label" "$wall" "$cpu"
  rm -f "$log"
}

# The peer as one process tree, so /usr/bin/time counts both programs.
PEER="ffprobe -v error -show_format -show_streams -of json '$CLIP' >/dev/null && \
ffmpeg -hide_banner -nostats -i '$CLIP' -vf blackdetect=d=0,freezedetect=n=-60dB:d=0.5 \
  -af silencedetect=n=-60dB:d=0.5,astats=measure_perchannel=none -f null - 2>/dev/null"

echo "clip: $CLIP ($(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,nb_frames -of csv=p=0 "$CLIP"))"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
measure "seedance verify (in-process)" "$BIN" verify "$CLIP" --resolution 720p --ratio 16:9 --duration 5 --json
measure "ffprobe + ffmpeg detectors (peer)" bash -c "$PEER"
measure "ffmpeg decode only (floor)" ffmpeg -hide_banner -nostats -loglevel error -i "$CLIP" -f null -
