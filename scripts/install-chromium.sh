#!/usr/bin/env bash
# Installs Debian's Chromium and its WebDriver for the browser tests: Tests/PipelineTests/ReportChromiumTests.swift
# loads report.html headless and checks its players, images, links and width; Tests/ReviewTests/
# ReviewBrowserTests.swift drives the review page through chromedriver. Does nothing when both are there.
set -euo pipefail
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-chromium: installing chromium and chromium-driver (headless, for the report and review page tests)"
$sudo apt-get update -qq
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; then
  echo "install-chromium: apt-get could not install chromium and chromium-driver" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] || { echo "install-chromium: chromium installed but /usr/bin/chromium is missing" >&2; exit 1; }
[ -x /usr/bin/chromedriver ] || { echo "install-chromium: chromium-driver installed but /usr/bin/chromedriver is missing" >&2; exit 1; }
