#!/usr/bin/env bash
# Benchmark: `seedance thumbnail` against the ffmpeg CLI (`ffmpeg -ss T -i FILE -frames:v 1 -y out.jpg`) for the same
# frame, as whole commands (process start included), timed in interleaved rounds (Benchmarks/interleave.py) per case.
#
#   Benchmarks/bench-frames.sh            # all cases, 20 runs each
#   RUNS=50 Benchmarks/bench-frames.sh    # more runs
#
# Needs: a release build (made here if missing), ffmpeg, python3, a C compiler
# and pkg-config (for the floor). Cases use the committed fixtures and, when present, the shared real-world corpus
# (../shared/realworld or SEEDANCE_REALWORLD). Prints one line per case: median and minimum wall time of each
# command, the ratio of the medians seedance/ffmpeg (< 1: seedance is faster), and the PSNR between the two images
# (inf: identical pixels; both are JPEG, so the same frame gives inf or > 40 dB).
#
# The fixture cases also time the floor, Benchmarks/thumbnail-floor.c: a C program on the same FFmpeg libraries
# that does only what the picture needs (open, seek, decode the frames it depends on, convert, encode; no checks, no
# rotation). Its ratio to the CLI (floor/ffmpeg) is the best any command on these libraries can reach here.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
for tool in ffmpeg python3; do
  command -v "$tool" >/dev/null || { echo "bench-frames: needs $tool" >&2; exit 2; }
done
SEEDANCE="$ROOT/.build/release/seedance"
if [ ! -x "$SEEDANCE" ] || [ -n "${REBUILD:-}" ]; then
  scripts/build-release.sh seedance >&2
fi
REALWORLD=${SEEDANCE_REALWORLD:-$ROOT/../shared/realworld}
[ -d "$REALWORLD" ] || REALWORLD=/work/shared/realworld
OUT=$(mktemp -d /tmp/seedance-bench-frames.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# name | file | time (or "last")
CASES=(
  "720p Seedance-like clip, poster at 0 s|fixtures/probe/seedance-720p.mp4|0"
  "720p Seedance-like clip, 2.5 s (mid-GOP, B-frames)|fixtures/probe/seedance-720p.mp4|2.5"
  "720p Seedance-like clip, 4.9 s (near the end)|fixtures/probe/seedance-720p.mp4|4.9"
  "320x240 frame-index clip, 1.25 s|fixtures/probe/frame-index.mp4|1.25"
)
if [ -d "$REALWORLD" ]; then
  [ -f "$REALWORLD/pixel7-h264-1080p-rot180-noaudio.mp4" ] &&
    CASES+=("Pixel 7 1080p H.264 rot180, 0.6 s|$REALWORLD/pixel7-h264-1080p-rot180-noaudio.mp4|0.6")
  [ -f "$REALWORLD/iphone-hevc10-dolbyvision-trimmed-editlist.mp4" ] &&
    CASES+=("iPhone 1080p HEVC 10-bit rot90, 1.2 s|$REALWORLD/iphone-hevc10-dolbyvision-trimmed-editlist.mp4|1.2")
  [ -f "$REALWORLD/android12-h264-4k60-portrait-rot90.mp4" ] &&
    CASES+=("Android 4K60 H.264 rot90, 0.15 s|$REALWORLD/android12-h264-4k60-portrait-rot90.mp4|0.15")
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "seedance: $SEEDANCE ($("$SEEDANCE" --version)); ffmpeg: $(ffmpeg -version | head -1 | cut -d' ' -f1-3); runs: $RUNS"
# One output line from an interleave.py export: seedance first, the ffmpeg CLI second, the floor third when timed.
row() {  # json, label, psnr (may be empty)
  python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, theirs = r[0], r[1]
floor = r[2] if len(r) > 2 else None
floor_ms = f"{floor['median']*1000:8.1f} ms" if floor else f"{'-':>11}"
floor_ratio = f"{floor['median']/theirs['median']:7.2f}x" if floor else f"{'-':>8}"
print(f"{sys.argv[2]:<52} {ours['median']*1000:8.1f} ms {ours['min']*1000:6.1f} ms {theirs['median']*1000:8.1f} ms "
      f"{theirs['min']*1000:6.1f} ms {floor_ms} {ours['median']/theirs['median']:7.2f}x {floor_ratio} {sys.argv[3]:>8}")
PY
}

FLOOR="$OUT/thumbnail-floor"
# Debian's cc when present, else the clang the Swift toolchain brings.
CC=${CC:-$(command -v cc || command -v clang || echo cc)}
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
if ! "$CC" -O2 Benchmarks/thumbnail-floor.c -o "$FLOOR" \
    $(pkg-config --cflags --libs libavformat libavcodec libswscale libavutil) 2>"$OUT/floor.log"; then
  echo "bench-frames: no floor (could not build Benchmarks/thumbnail-floor.c: $(head -1 "$OUT/floor.log"))" >&2
  FLOOR=""
fi
printf '%-52s %11s %9s %11s %9s %11s %8s %8s %8s\n' "case" "seedance" "(min)" "ffmpeg" "(min)" "floor" "ratio" \
  "floor" "psnr"
i=0
for entry in "${CASES[@]}"; do
  IFS='|' read -r name file t <<<"$entry"
  i=$((i + 1))
  ours="$OUT/ours-$i.jpg" theirs="$OUT/ffmpeg-$i.jpg" json="$OUT/case-$i.json"
  floor=()
  # The floor does not rotate: only the fixtures (no display matrix) compare like for like.
  [ -n "$FLOOR" ] && [[ "$file" == fixtures/* ]] && floor=("$FLOOR $file $t $OUT/floor-$i.jpg")
  Benchmarks/interleave.py --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
    "$SEEDANCE thumbnail $file --at $t -o $ours" \
    "ffmpeg -v error -ss $t -i $file -frames:v 1 -y $theirs" "${floor[@]}"
  psnr=$(ffmpeg -hide_banner -i "$ours" -i "$theirs" -filter_complex "[0][1]psnr" -f null - 2>&1 |
    sed -n 's/.*average:\([^ ]*\).*/\1/p')
  row "$json" "$name" "$psnr"
done

# The last frame: seedance --last against the ffmpeg CLI's usual recipe (seek 1 s before the end, keep the final frame).
json="$OUT/last.json"
file=fixtures/probe/seedance-720p.mp4
Benchmarks/interleave.py --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
  "$SEEDANCE thumbnail $file --last -o $OUT/ours-last.jpg" \
  "ffmpeg -v error -sseof -1 -i $file -update 1 -y $OUT/ffmpeg-last.jpg"
psnr=$(ffmpeg -hide_banner -i "$OUT/ours-last.jpg" -i "$OUT/ffmpeg-last.jpg" -filter_complex "[0][1]psnr" -f null - 2>&1 |
  sed -n 's/.*average:\([^ ]*\).*/\1/p')
row "$json" "720p --last vs ffmpeg -sseof -1 -update 1" "$psnr"

# Process start alone (FFmpeg's shared libraries and their dependencies load at start). The floor here is a C
# program that links the same four libraries as the thumbnail floor and returns at once.
start_floor=()
if [ -n "$FLOOR" ]; then
  # shellcheck disable=SC2046
  printf 'int main(void) { return 0; }\n' | "$CC" -O2 -x c - -o "$OUT/start-floor" -Wl,--no-as-needed \
    $(pkg-config --libs libavformat libavcodec libswscale libavutil) 2>>"$OUT/floor.log" &&
    start_floor=("$OUT/start-floor")
fi
Benchmarks/interleave.py --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/start.json" \
  "$SEEDANCE --version" "ffmpeg -version" "${start_floor[@]}"
row "$OUT/start.json" "process start only (--version / -version)"
