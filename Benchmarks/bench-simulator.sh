#!/usr/bin/env bash
# Simulator render benchmark: wall time from create to succeeded for 5 s clips (render-bound: --time-scale 0.0001),
# a cached repeat, and the ffmpeg CLI rendering the same libavfilter graph with libx264/aac as the peer.
# Usage: Benchmarks/bench-simulator.sh [path/to/seedance]   (default: .build/debug/seedance, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/seedance}
[ -x "$BIN" ] || swift build --product seedance >/dev/null
OUT=$(mktemp -d)
trap 'kill $SIM 2>/dev/null || true; rm -rf "$OUT"' EXIT
"$BIN" simulator --time-scale 0.0001 --rpm 100000 >"$OUT/url" 2>/dev/null &
SIM=$!
for _ in $(seq 100); do [ -s "$OUT/url" ] && break; sleep 0.1; done
BASE=$(head -1 "$OUT/url")
H=(-s -H 'Authorization: Bearer bench' -H 'Content-Type: application/json')
now() { date +%s.%N; }
run_one() { # $1 prompt, $2 resolution -> seconds from create to succeeded
  local t0 id status
  t0=$(now)
  id=$(curl "${H[@]}" -d "{\"model\":\"doubao-seedance-2-0-260128\",\"content\":[{\"type\":\"text\",\"text\":\"$1\"}],\"resolution\":\"$2\",\"ratio\":\"16:9\",\"duration\":5,\"generate_audio\":true}" "$BASE/contents/generations/tasks" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  while :; do
    status=$(curl "${H[@]}" "$BASE/contents/generations/tasks/$id" | python3 -c 'import json,sys;print(json.load(sys.stdin)["status"])')
    [ "$status" = succeeded ] && break
    [ "$status" = failed ] && { echo "task failed" >&2; exit 1; }
    sleep 0.02
  done
  python3 -c "print(f'{$(now) - $t0:.2f}')"
}
echo "machine: $(nproc) cores, $(uname -m); binary: $BIN"
for res in 480p 720p 1080p; do
  for i in 1 2 3; do echo "simulator 5 s $res clip #$i: $(run_one "bench $res $i" $res) s"; done
done
echo "simulator 5 s 720p clip, identical request (cache): $(run_one "bench 720p 1" 720p) s"
t0=$(now)
ffmpeg -v error -y -f lavfi -i "testsrc2=s=1280x720:r=24,drawbox=x='mod(t*100,iw)':y=ih/3:w=120:h=120:color=red:t=fill,format=yuv420p" \
  -f lavfi -i "sine=f=440:r=48000" -frames:v 121 -t 5.0417 -c:v libx264 -preset ultrafast -crf 28 -c:a aac \
  -movflags +faststart "$OUT/peer.mp4"
echo "peer: ffmpeg CLI, same graph, 5 s 720p: $(python3 -c "print(f'{$(now) - $t0:.2f}')") s"
curl -s "${BASE%/api/v3}/_simulator/stats"; echo
