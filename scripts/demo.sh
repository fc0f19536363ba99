#!/usr/bin/env bash
# The main job with what exists so far: probe the bundled Seedance-like clips and a real phone clip.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/seedance
echo "\$ seedance probe fixtures/probe/seedance-720p.mp4 fixtures/probe/seedance-480p-9x16.mp4 fixtures/probe/phone-rotated.mp4"
$bin probe fixtures/probe/seedance-720p.mp4 fixtures/probe/seedance-480p-9x16.mp4 fixtures/probe/phone-rotated.mp4
