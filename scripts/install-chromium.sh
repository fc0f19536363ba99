#!/usr/bin/env bash
# Installs Debian's Chromium for the test that renders report.html headless (Tests/PipelineTests/
# ReportChromiumTests.swift loads the page from a run folder and checks its players, images, links and width).
# Does nothing when /usr/bin/chromium is there.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-chromium: installing chromium (headless, for the report's rendering test)"
$sudo apt-get update -qq
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
  echo "install-chromium: apt-get could not install chromium" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] || { echo "install-chromium: chromium installed but /usr/bin/chromium is missing" >&2; exit 1; }
