#!/usr/bin/env bash
# Benchmark of `seedance concat` against what users run today (whole commands, same run, warm page cache):
#   copy mode      vs  ffmpeg -f concat -safe 0 -i list -c:v copy -c:a aac   (the same work: video copied, audio
#                      re-encoded through the joins; target: at least as fast)
#                  vs  ffmpeg -f concat ... -c copy (pure copy, for reference: it plays each clip's AAC priming at
#                      the joins) and cat of the same bytes (the physical limit)
#   normalize mode vs  ffmpeg -filter_complex ... concat filter, same filters and encoder settings (target: <= 1.0x)
#   --loudness -16 vs  ffmpeg loudnorm two-pass on the same 20 clips (measure, then correct; video copied)
# Usage: Benchmarks/bench-concat.sh [path/to/seedance]   (default: .build/release/seedance; build with
#        `scripts/build-release.sh seedance`). Inputs are generated once into $BENCH_DIR.
# Prints a Markdown table; RUNS_COPY / RUNS_NORMALIZE set the repetitions (median reported).
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDANCE=${1:-.build/release/seedance}
BENCH_DIR=${BENCH_DIR:-/tmp/seedance-bench-concat}
RUNS_COPY=${RUNS_COPY:-7}
RUNS_NORMALIZE=${RUNS_NORMALIZE:-3}
FF="ffmpeg -hide_banner -loglevel error -y"
[ -x "$SEEDANCE" ] || { echo "bench-concat: build first: scripts/build-release.sh seedance" >&2; exit 2; }
mkdir -p "$BENCH_DIR"

# Seedance-like inputs: 1280x720, 24 fps, 121 frames (5.04 s), H.264 High (x264 veryfast CRF 23, noise added for a
# realistic ~2 Mb/s), AAC stereo 48 kHz 128 kb/s, faststart. Five distinct clips, each used four times in the copy
# list (20 clips).
make_clip() { # out size rate seconds freq [noaudio]
  local out=$1 size=$2 rate=$3 secs=$4 freq=$5 extra=${6:-}
  [ -s "$out" ] && return
  if [ "$extra" = noaudio ]; then
    $FF -f lavfi -i "testsrc2=size=$size:rate=$rate,noise=alls=3:allf=t" -t "$secs" \
        -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -movflags +faststart "$out"
  else
    $FF -f lavfi -i "testsrc2=size=$size:rate=$rate,noise=alls=3:allf=t" \
        -f lavfi -i "sine=frequency=$freq:sample_rate=48000" -t "$secs" \
        -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2 -movflags +faststart "$out"
  fi
}
for i in 1 2 3 4 5; do make_clip "$BENCH_DIR/copy$i.mp4" 1280x720 24 5.041667 $((300 + 110 * i)); done
make_clip "$BENCH_DIR/n-720p.mp4" 1280x720 24 5.041667 440
make_clip "$BENCH_DIR/n-9x16.mp4" 496x864 24 4.041667 550
make_clip "$BENCH_DIR/n-30fps.mp4" 1280x720 30 4.0 660
make_clip "$BENCH_DIR/n-noaudio.mp4" 1280x720 24 3.0 0 noaudio

COPY_INPUTS=()
for round in 1 2 3 4; do for i in 1 2 3 4 5; do COPY_INPUTS+=("$BENCH_DIR/copy$i.mp4"); done; done
LIST="$BENCH_DIR/list.txt"
: > "$LIST"
for f in "${COPY_INPUTS[@]}"; do echo "file '$f'" >> "$LIST"; done
NORM_INPUTS=("$BENCH_DIR/n-720p.mp4" "$BENCH_DIR/n-9x16.mp4" "$BENCH_DIR/n-30fps.mp4" "$BENCH_DIR/n-noaudio.mp4")
OUT="$BENCH_DIR/out"
mkdir -p "$OUT"

# Runs the named shell functions in turn, RUNS rounds interleaved (so load changes on a shared machine hit every
# command alike), and sets WALL_<fn> and CPU_<fn> to the median wall-clock and user+system CPU seconds.
measure() {
  local runs=$1; shift
  local fn
  for fn in "$@"; do : > "$OUT/times-$fn"; done
  for _ in $(seq "$runs"); do
    for fn in "$@"; do
      /usr/bin/time -f "%e %U %S" -o "$OUT/time.tmp" bash -c "$(declare -f "$fn"); $(declare -p COPY_INPUTS NORM_INPUTS LIST OUT SEEDANCE FF GRAPH ENCODE 2>/dev/null); $fn" > /dev/null
      awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$OUT/time.tmp" >> "$OUT/times-$fn"
    done
  done
  for fn in "$@"; do
    printf -v "WALL_$fn" '%s' "$(cut -d' ' -f1 "$OUT/times-$fn" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
    printf -v "CPU_$fn" '%s' "$(cut -d' ' -f2 "$OUT/times-$fn" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
  done
}

ffmpeg_concat_copy() { $FF -f concat -safe 0 -i "$LIST" -c copy -movflags +faststart "$OUT/ffmpeg-copy.mp4"; }
ffmpeg_concat_audio() {
  $FF -f concat -safe 0 -i "$LIST" -c:v copy -c:a aac -b:a 128k -movflags +faststart "$OUT/ffmpeg-copy-aac.mp4"
}
cat_bytes() { cat "${COPY_INPUTS[@]}" > "$OUT/cat.bin"; }
seedance_copy() { "$SEEDANCE" concat "${COPY_INPUTS[@]}" -o "$OUT/seedance-copy.mp4" --mode copy; }

# The normalize graph seedance builds, written for the ffmpeg CLI (input 4 is the silence for the clip without audio).
V="scale=1280:720:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p"
A="aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo"
GRAPH="[0:v]fps=24/1,$V[cv0];[0:a]$A[ca0];[1:v]fps=24/1,$V[cv1];[1:a]$A[ca1];[2:v]fps=24/1,$V[cv2];[2:a]$A[ca2];"
GRAPH+="[3:v]fps=24/1,$V[cv3];[4:a]$A[ca3];[cv0][ca0][cv1][ca1][cv2][ca2][cv3][ca3]concat=n=4:v=1:a=1[v][a]"
ENCODE="-c:v libx264 -preset veryfast -crf 18 -c:a aac -b:a 128k -movflags +faststart"
ffmpeg_concat_filter() {
  $FF -i "${NORM_INPUTS[0]}" -i "${NORM_INPUTS[1]}" -i "${NORM_INPUTS[2]}" -i "${NORM_INPUTS[3]}" \
      -f lavfi -t 3 -i "anullsrc=r=48000:cl=stereo" -filter_complex "$GRAPH" -map "[v]" -map "[a]" $ENCODE \
      "$OUT/ffmpeg-normalize.mp4"
}
seedance_normalize() {
  "$SEEDANCE" concat "${NORM_INPUTS[@]}" -o "$OUT/seedance-normalize.mp4" --mode normalize --crf 18 --preset veryfast
}

seedance_loudness() { "$SEEDANCE" concat "${COPY_INPUTS[@]}" -o "$OUT/seedance-loudness.mp4" --loudness -16; }
# loudnorm's two passes: measure the joined sound, then correct it with the measured values (linear, as a gain).
ffmpeg_loudnorm() {
  local m
  m=$(ffmpeg -hide_banner -nostats -f concat -safe 0 -i "$LIST" -vn -af loudnorm=I=-16:TP=-1:print_format=json \
      -f null - 2>&1 | sed -n '/^{/,/^}/p')
  v() { echo "$m" | sed -n "s/.*\"$1\" : \"\(.*\)\".*/\1/p"; }
  $FF -f concat -safe 0 -i "$LIST" -c:v copy -af "loudnorm=I=-16:TP=-1:measured_I=$(v input_i):measured_TP=$(v input_tp):measured_LRA=$(v input_lra):measured_thresh=$(v input_thresh):offset=$(v target_offset):linear=true" \
      -ar 48000 -c:a aac -b:a 128k -movflags +faststart "$OUT/ffmpeg-loudnorm.mp4"
}

# Warm-up (page cache, first-run costs), then the measurements.
ffmpeg_concat_copy; ffmpeg_concat_audio; cat_bytes; seedance_copy > /dev/null
BYTES=$(cat "${COPY_INPUTS[@]}" | wc -c)
measure "$RUNS_COPY" seedance_copy ffmpeg_concat_audio ffmpeg_concat_copy cat_bytes
measure "$RUNS_NORMALIZE" seedance_normalize ffmpeg_concat_filter
measure "$RUNS_NORMALIZE" seedance_loudness ffmpeg_loudnorm

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "| case | command | median wall s | median CPU s | wall ratio |"
echo "|---|---|---|---|---|"
echo "| copy, 20 x 5 s 720p clips ($((BYTES / 1000000)) MB) | seedance concat --mode copy (video copied, audio re-encoded) | $WALL_seedance_copy | $CPU_seedance_copy | 1.00 |"
echo "| | ffmpeg -f concat -safe 0 -i list -c:v copy -c:a aac -b:a 128k (same work) | $WALL_ffmpeg_concat_audio | $CPU_ffmpeg_concat_audio | $(ratio "$WALL_seedance_copy" "$WALL_ffmpeg_concat_audio") (seedance / ffmpeg) |"
echo "| | ffmpeg -f concat -safe 0 -i list -c copy (pure copy, reference) | $WALL_ffmpeg_concat_copy | $CPU_ffmpeg_concat_copy | $(ratio "$WALL_seedance_copy" "$WALL_ffmpeg_concat_copy") (seedance / ffmpeg) |"
echo "| | cat (same bytes) | $WALL_cat_bytes | $CPU_cat_bytes | $(ratio "$WALL_seedance_copy" "$WALL_cat_bytes") (seedance / cat) |"
echo "| normalize, 4 mismatched clips (16.1 s) -> 720p24 | seedance concat --mode normalize | $WALL_seedance_normalize | $CPU_seedance_normalize | 1.00 |"
echo "| | ffmpeg concat filter, same filters, x264 veryfast crf 18 + aac 128k | $WALL_ffmpeg_concat_filter | $CPU_ffmpeg_concat_filter | $(ratio "$WALL_seedance_normalize" "$WALL_ffmpeg_concat_filter") (seedance / ffmpeg) |"
echo "| loudness -16 LUFS, the 20 copy clips | seedance concat --loudness -16 (measure each clip, correct, copy join) | $WALL_seedance_loudness | $CPU_seedance_loudness | 1.00 |"
echo "| | ffmpeg loudnorm two-pass (measure, then correct; video copied) | $WALL_ffmpeg_loudnorm | $CPU_ffmpeg_loudnorm | $(ratio "$WALL_seedance_loudness" "$WALL_ffmpeg_loudnorm") (seedance / ffmpeg) |"
echo
echo "runs: copy $RUNS_COPY, normalize $RUNS_NORMALIZE, interleaved (median); load average: $(cut -d' ' -f1-3 /proc/loadavg); outputs in $OUT"
for f in seedance-copy ffmpeg-copy-aac ffmpeg-copy seedance-normalize ffmpeg-normalize seedance-loudness ffmpeg-loudnorm; do
  printf '%s: ' "$f"
  ffprobe -v error -show_entries format=duration:stream=codec_type,duration,nb_frames -of csv=p=0 "$OUT/$f.mp4" | tr '\n' ' '
  case $f in *loud*) ffmpeg -hide_banner -nostats -i "$OUT/$f.mp4" -af ebur128 -f null - 2>&1 | grep "I:" | tail -1 | tr -s ' ' ;; esac
  echo
done
