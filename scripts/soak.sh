#!/usr/bin/env bash
# Issue 9's fault soak: `seedance run` against the simulator with every fault switched on, SIGKILLed and resumed,
# then an audit (every shot done or failed, every task the service made known to the run, tokens counted, clips
# complete, nothing half-written). Exit 0 when every invariant held.
#   scripts/soak.sh                                   300 shots, transport faults 0.25, clip faults 0.05, 3 kills
#   scripts/soak.sh --shots 50 --rate 0.4 --kills 5   any of --shots --rate --clip-rate --kills --seed --time-scale
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build-release.sh seedance seedance-bench
exec .build/release/seedance-bench soak "$@"
