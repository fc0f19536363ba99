#!/usr/bin/env bash
# Installs what seedance needs on Debian 12 and is missing: FFmpeg's -dev libraries, pkg-config, the ffmpeg CLI
# (fixtures and benchmarks), SQLite, and libcurl's -dev package (the release build links Foundation statically, and
# its networking part needs libcurl to link against). Does nothing when all is there. Needs root (or sudo) to install.
set -euo pipefail
packages=(libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev
          pkg-config ffmpeg libsqlite3-dev libcurl4-openssl-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
command -v swift >/dev/null || { echo "install-deps: Swift 6.1 or newer must be on PATH (swift.org)" >&2; exit 2; }
