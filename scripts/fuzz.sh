#!/usr/bin/env bash
# Fuzzes one media or provenance entry point with libFuzzer + AddressSanitizer (leaks included) for a set time.
#   scripts/fuzz.sh probe|thumbnail|concat|provenance|boxes|jumbf|cbor SECONDS [extra libFuzzer flags]
# Builds Fuzz/seedance-fuzz into .build-fuzz; the corpus grows in Fuzz/corpus/TARGET (gitignored), seeded from
# Fuzz/seeds (committed, tiny, includes every past crasher), Fuzz/seeds/TARGET when there is one (the C2PA manifest
# stores and CBOR structures the provenance targets start from) and fixtures/, fixtures/realworld included (files up
# to 512 KB).
# Findings land in Fuzz/findings/TARGET (crash-*, leak-*, timeout-*); replay one with
#   SEEDANCE_FUZZ_TARGET=TARGET .build-fuzz/debug/seedance-fuzz FILE
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/fuzz.sh probe|thumbnail|concat|provenance|boxes|jumbf|cbor SECONDS"
target="${1:?$usage}"
seconds="${2:?$usage}"
shift 2
case "$target" in probe|thumbnail|concat|provenance|boxes|jumbf|cbor) ;; *) echo "unknown target $target" >&2; exit 2 ;; esac

if [ ! -d .build-fuzz/checkouts ] && [ -d .build/checkouts ]; then
  mkdir -p .build-fuzz && cp -a .build/checkouts .build/repositories .build-fuzz/ 2>/dev/null || true
fi
swift build -c debug --scratch-path .build-fuzz --product seedance-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -D -Xswiftc FUZZING

corpus="Fuzz/corpus/$target" findings="Fuzz/findings/$target"
mkdir -p "$corpus" "$findings"
for f in Fuzz/seeds/* Fuzz/seeds/"$target"/* fixtures/*/*.mp4 fixtures/*/*.mov fixtures/*/*.ts fixtures/*/*.3gp fixtures/*/*.m4s; do
  [ -f "$f" ] || continue
  [ "$(stat -c %s "$f")" -le 524288 ] || continue
  cp -n "$f" "$corpus/seed-$(basename "$f")" 2>/dev/null || true
done
export SEEDANCE_FUZZ_TARGET="$target"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
# -timeout: an input taking longer than 10 s is a hang; -rss_limit_mb bounds memory per input.
exec .build-fuzz/debug/seedance-fuzz "$corpus" -artifact_prefix="$findings/" -max_total_time="$seconds" \
  -max_len=524288 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@"
