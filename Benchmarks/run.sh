#!/usr/bin/env bash
# Runs every benchmark case against its peer in one run; figures go into BENCHMARKS.md by hand.
# PyAV is the in-process peer of probe: pip install av.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-release.sh seedance seedance-bench >/dev/null
.build/release/seedance-bench "$@"
for script in Benchmarks/bench-*.sh; do
  [ -f "$script" ] || continue
  echo "== $(basename "$script" .sh)"
  bash "$script"
done
