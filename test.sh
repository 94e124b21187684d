#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need from Debian's packages when it is
# missing (Chromium for the browser tests; psql, pgbench and bc for the benchmark's smoke run), then runs
# every module's tests. The build finds a JDK >= 21 by itself and ./mvnw fetches Maven.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
{ command -v psql >/dev/null 2>&1 && [ -x /usr/lib/postgresql/15/bin/pgbench ]; } || missing+=(postgresql-15 postgresql-client-15)
command -v bc >/dev/null 2>&1 || missing+=(bc)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (Debian packages the tests need)"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

./mvnw -B verify "$@"
