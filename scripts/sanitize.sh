#!/usr/bin/env bash
# Runs the test suite under a sanitizer, each in its own build folder so the normal .build stays untouched.
#   scripts/sanitize.sh address   AddressSanitizer, leaks included (LeakSanitizer), scratch path .build-asan
#   scripts/sanitize.sh thread    ThreadSanitizer, scratch path .build-tsan
# Further arguments go to `swift test` (e.g. --filter ProbeBadInputTests).
# Serial (--no-parallel): several suites start a simulator that renders real clips; sanitizers multiply their cost.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-address}"
# Named outright so a child started with an environment of its own (no PATH) can still symbolize its report, which
# suppressions need; Tests/TestSupport/ChildEnvironment.swift carries the sanitizer variables over to such children.
symbolizer="$(command -v llvm-symbolizer || true)"
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
[ $# -gt 0 ] && shift
case "$mode" in
  address)
    # Suppressions cover only the toolchain's own test runner (see the file for why).
    export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}"
    scratch=.build-asan ;;
  thread)
    export TSAN_OPTIONS="suppressions=$PWD/scripts/tsan.supp:halt_on_error=1:second_deadlock_stack=1${symbolizer:+:external_symbolizer_path=$symbolizer}"
    scratch=.build-tsan ;;
  *)
    echo "usage: scripts/sanitize.sh address|thread [swift test options]" >&2; exit 2 ;;
esac
# Reuse the dependency checkouts of the normal build rather than cloning them again.
if [ ! -d "$scratch/checkouts" ] && [ -d .build/checkouts ]; then
  mkdir -p "$scratch" && cp -a .build/checkouts .build/repositories "$scratch/" 2>/dev/null || true
fi
swift build --build-tests --sanitize="$mode" --scratch-path "$scratch"
swift test --skip-build --sanitize="$mode" --scratch-path "$scratch" --no-parallel "$@"
