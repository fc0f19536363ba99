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

now() { date +%s.%N; }
measure() {  # label, command...
  local label=$1; shift
  local times=()
  for _ in $(seq "$RUNS"); do
    local t0; t0=$(now)
    "$@" >/dev/null 2>&1 || true          # verify exits 1 when a check fails: timing, not verdicts
    times+=("$(echo "$(now) - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1} END {printf "%-34s best %6.1f ms  median %6.1f ms  (n=%d)\n", l, a[1]*1000, a[int((NR+1)/2)]*1000, NR}'
}

peer() {
  ffprobe -v error -show_format -show_streams -of json "$CLIP" >/dev/null
  ffmpeg -hide_banner -nostats -i "$CLIP" -vf blackdetect=d=0,freezedetect=n=-60dB:d=0.5 \
    -af silencedetect=n=-60dB:d=0.5,astats=measure_perchannel=none -f null - 2>/dev/null
}

echo "clip: $CLIP ($(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,nb_frames -of csv=p=0 "$CLIP"))"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
measure "seedance verify (in-process)" "$BIN" verify "$CLIP" --resolution 720p --ratio 16:9 --duration 5 --json
measure "ffprobe + ffmpeg detectors (peer)" peer
measure "ffmpeg decode only (floor)" ffmpeg -hide_banner -nostats -loglevel error -i "$CLIP" -f null -
