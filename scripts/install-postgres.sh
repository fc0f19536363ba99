#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the tests that start a throwaway cluster of their own
# (Tests/TestSupport/PostgresServer.swift runs initdb and pg_ctl from /usr/lib/postgresql/*/bin on a free loopback
# port, in a temporary folder). Does nothing when an initdb is there. The package also makes and starts a cluster of
# its own on 5432: the tests never use it, so whether it runs, or failed to start, does not matter.
set -euo pipefail
shopt -s nullglob
have_initdb() { local found=(/usr/lib/postgresql/*/bin/initdb); [ ${#found[@]} -gt 0 ]; }
have_initdb && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-postgres: installing postgresql (the PostgreSQL server, for the tests' throwaway clusters)"
$sudo apt-get update -qq
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null; then
  # The package's postinst starts its own cluster, which can fail where no init system runs; that cluster is not ours.
  have_initdb || { echo "install-postgres: apt-get could not install postgresql" >&2; exit 1; }
  echo "install-postgres: apt-get reported an error, but initdb and pg_ctl are installed; carrying on" >&2
fi
