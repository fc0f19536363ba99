#!/usr/bin/env bash
# Installs the Python oracles some tests read our outputs back with: OpenTimelineIO and its adapters (otio_json,
# fcpx_xml, fcp_xml, cmx_3600), and the official Ark Python SDKs that drive the simulator (Volcengine
# `volcengine-python-sdk` with its `volcenginesdkarkruntime`, BytePlus `byteplus-python-sdk-v2` with its
# `byteplussdkarkruntime`), and c2pa-python (the C2PA SDK, c2pa-rs inside) that reads back the manifests the simulator
# signs and that the provenance tests and benchmark compare with, each in a virtual environment under .build/test-tools
# (Debian's Python refuses a global pip install). Does nothing when they are there. Offline, it says so and the tests
# that need them report a skip (in CI, with SEEDANCE_REQUIRE_ALL_TESTS=1, they fail instead).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/test-tools/otio
sdk=.build/test-tools/sdk
c2pa=.build/test-tools/c2pa
have_otio() { [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import opentimelineio, otio_fcpx_xml_adapter" 2>/dev/null; }
have_sdk() { [ -x "$sdk/bin/python" ] && "$sdk/bin/python" -c "import volcenginesdkarkruntime, byteplussdkarkruntime" 2>/dev/null; }
have_c2pa() { [ -x "$c2pa/bin/python" ] && "$c2pa/bin/python" -c "import c2pa" 2>/dev/null; }
if have_otio && have_sdk && have_c2pa; then
  exit 0
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-test-tools: installing python3-venv"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
fi
mkdir -p .build/test-tools
if ! have_sdk; then
  python3 -m venv "$sdk"
  # byteplussdkarkruntime imports httpx and sniffio without declaring them (not even in its `[ark]` extra), so they
  # are named here; the SDKs themselves are installed as published, unpatched.
  if ! "$sdk/bin/pip" install -q volcengine-python-sdk 'byteplus-python-sdk-v2[ark]' httpx sniffio 2>&1 | tail -3; then
    echo "install-test-tools: could not install the Ark Python SDKs from PyPI: the SDK tests will skip" >&2
  fi
fi
if ! have_c2pa; then
  python3 -m venv "$c2pa"
  # The wheel bundles the native library (c2pa-rs); pinned to the version the provenance oracle was checked with.
  if ! "$c2pa/bin/pip" install -q c2pa-python==0.38.1 2>&1 | tail -3; then
    echo "install-test-tools: could not install c2pa-python from PyPI: the manifest read-back tests will skip" >&2
  fi
fi
have_otio && exit 0
python3 -m venv "$venv"
if ! "$venv/bin/pip" install -q opentimelineio==0.18.1 otio-cmx3600-adapter==1.0.0 otio-fcp-adapter==1.0.0 \
      otio-fcpx-xml-adapter==1.0.0 2>&1 | tail -3; then
  echo "install-test-tools: could not install OpenTimelineIO from PyPI: the timeline read-back tests will skip" >&2
fi
