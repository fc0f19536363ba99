#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer (leaks included) in its own build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
swift test --sanitize=address --scratch-path .build-asan "$@"
