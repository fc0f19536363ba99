#!/usr/bin/env bash
# The release build every command, benchmark and the demo use: `swift build -c release`, on Linux with the Swift
# runtime and Foundation linked statically (--static-swift-stdlib). A static runtime starts faster: about 13 ms less
# for every command on the 2-core reference machine (55 ms instead of 68 ms for `seedance --version`), which is a
# large share of a whole `probe`, `thumbnail` or `verify` command. The FFmpeg libraries stay shared (Debian's).
#   scripts/build-release.sh                    every product
#   scripts/build-release.sh seedance           one product (--product seedance); several names build each
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release)
# Static linking of the Swift runtime is a Linux feature (Apple platforms ship the runtime with the system).
[ "$(uname -s)" = Linux ] && flags+=(--static-swift-stdlib)
if [ $# -eq 0 ]; then
  exec swift build "${flags[@]}"
fi
for product in "$@"; do
  swift build "${flags[@]}" --product "$product"
done
