#!/usr/bin/env bash
# Shared runs: SHOTS shots (300 by default) through the simulator with 1, 2 and 3 workers on one PostgreSQL store.
# Prints wall time against the ideal (the simulator's time for one clip x ceil(shots / tasks in flight)), database
# round trips per shot (every statement or transaction: pg_stat_database's commits and rollbacks), simulator
# requests per shot, and each worker's peak memory. The simulator's own limits are set high so the account's
# limit in the store (--in-flight) is the only one. Needs PostgreSQL's server programs (scripts/install-postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
shots=${SHOTS:-300}
in_flight=${IN_FLIGHT:-30}
scale=${TIME_SCALE:-0.2}
bin=${SEEDANCE:-.build/release/seedance}
[ -x "$bin" ] || scripts/build-release.sh seedance >/dev/null
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/bench-workers.XXXXXX)
chmod 777 "$work"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
simport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  [ -n "${sim:-}" ] && kill "$sim" 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$work/data" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$work/data" -A trust -U postgres --no-locale -E UTF8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/data" -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off" \
  -l "$work/pg.log" start -w >/dev/null
"$bin" simulator --port "$simport" --time-scale "$scale" --max-running 10000 --queue-capacity 10000 --rpm 100000 \
  >"$work/sim.log" 2>&1 &
sim=$!
sleep 1
export SEEDANCE_API_KEY=bench SEEDANCE_BASE_URL=http://127.0.0.1:$simport/api/v3
python3 - "$shots" >"$work/plan.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print('name: bench\ndefaults: {resolution: 480p, ratio: "16:9", duration: 4, audio: false}\nshots:')
for i in range(n):
    print(f"  - id: s{i:04d}\n    prompt: shot {i}")
PY
# One clip's time at the simulator: its queue and run seconds (5 + 60 simulated) at the time scale.
clip=$(python3 -c "print((5 + 60) * $scale)")
ideal=$(python3 -c "import math; print($clip * math.ceil($shots / $in_flight))")
stat() { psql -h 127.0.0.1 -p "$port" -U postgres -d "$1" -Atc \
  "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$1'"; }
requests() { curl -s "http://127.0.0.1:$simport/_simulator/stats" | python3 -c \
  'import json,sys; s=json.load(sys.stdin); print(s["creates_accepted"]+s["creates_refused"]+s["gets"]+s["lists"]+s["downloads"])'; }
echo "shots=$shots in_flight=$in_flight clip=${clip}s ideal=${ideal}s"
printf "| workers | wall s | x ideal | db round trips/shot | requests/shot | peak RSS MiB per worker |\n|---|---|---|---|---|---|\n"
for workers in 1 2 3; do
  db=bench_$workers
  psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE $db" >/dev/null
  store=postgres://postgres@127.0.0.1:$port/$db
  "$bin" limits --store "$store" --rpm 100000 --in-flight "$in_flight" >/dev/null
  before=$(stat "$db"); req_before=$(requests)
  start=$(date +%s.%N)
  pids=()
  # shellcheck disable=SC2034
  for ((w = 2; w <= workers; w++)); do
    /usr/bin/time -f "%M" -o "$work/rss-$workers-$w" "$bin" worker --store "$store" --concurrency "$in_flight" \
      --poll-interval 0.2 --idle-exit 1 --no-verify 2>/dev/null &
    pids+=($!)
  done
  /usr/bin/time -f "%M" -o "$work/rss-$workers-1" "$bin" run "$work/plan.yaml" --store "$store" --root "$work/runs$workers" \
    --run bench --yes --concurrency "$in_flight" --poll-interval 0.2 --no-verify --no-concat 2>"$work/run$workers.log" || {
      tail -3 "$work/run$workers.log"; exit 1; }
  end=$(date +%s.%N)
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  sleep 1.5  # every backend has closed and flushed its counters
  after=$(stat "$db"); req_after=$(requests)
  rss=$(for f in "$work"/rss-$workers-*; do echo $(( $(tail -1 "$f") / 1024 )); done | paste -sd/)
  python3 -c "w=$end-$start; print(f'| $workers | {w:.1f} | {w/$ideal:.2f} | {($after-$before)/$shots:.1f} | {($req_after-$req_before)/$shots:.1f} | $rss |')"
done
