#!/usr/bin/env bash
# Builds the DocC catalogue of each library product (Sources/MODULE/MODULE.docc) with swift-docc-plugin and fails
# when DocC reports a problem in them (a symbol link that resolves to nothing or to more than one symbol), so an
# article that names a renamed type is caught. The archives land in .build/plugins/Swift-DocC/outputs/.
# Usage: scripts/build-docs.sh            (or: make docs)
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
targets=(Media SeedanceAPI QA Pipeline Simulator Provenance)
args=()
for target in "${targets[@]}"; do args+=(--target "$target"); done
if ! swift package generate-documentation "${args[@]}" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "build-docs: swift package generate-documentation failed" >&2
  exit 1
fi
# Only warnings about our own catalogues and sources count; dependencies' packaging warnings do not.
problems=$(grep -E "^(warning|error): " "$log" | grep -v "found [0-9]* file(s) which are unhandled" || true)
if [ -n "$problems" ]; then
  grep -E -A8 "^(warning|error): " "$log" | grep -v "unhandled\|CMakeLists" >&2
  echo "build-docs: DocC reported problems in the catalogues (above)" >&2
  exit 1
fi
for target in "${targets[@]}"; do
  echo "build-docs: .build/plugins/Swift-DocC/outputs/$target.doccarchive"
done
