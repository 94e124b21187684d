#!/usr/bin/env bash
# What the tests need besides Java, from Debian's packages, installed only when missing: Chromium for the
# browser tests; psql, pgbench, bc and jq for the benchmark's smoke run; pg_auto_failover for the failover test. `./mvnw verify` runs this first (the
# root POM binds it to its verify phase, which Maven reaches before any module's tests); skip it with
# -Dtest.prerequisites.skip.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
{ command -v psql >/dev/null 2>&1 && [ -x /usr/lib/postgresql/15/bin/pgbench ]; } || missing+=(postgresql-15 postgresql-client-15)
command -v bc >/dev/null 2>&1 || missing+=(bc)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v pg_autoctl >/dev/null 2>&1 || missing+=(pg-auto-failover-cli postgresql-15-auto-failover)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (Debian packages the tests need)"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
