#!/usr/bin/env bash
# Optimus side by side with Redis and PostgreSQL on this machine, in one run (see BENCHMARKS.md). Installs what it
# needs when it is missing — Debian's redis-server and postgresql — builds in Release, and runs bench/Compare.Bench,
# which starts both peers on loopback ports in temporary directories and an Optimus silo, and stops them at the end.
# Arguments go to the benchmark: --entries N (default 1,000,000) or --large (10,000,000), --clients C, --seconds S,
# --reloads K (default 1: how many times the entries are loaded again after the first load), --rounds R (default 3:
# rounds of every read workload, each reader once per round; the figures are the medians), --out FILE.json.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -n "${OPTIMUS_TEST_POSTGRES:-}" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "compare.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts the packaged redis-server as a service; the benchmark runs its own.
  $sudo service redis-server stop >/dev/null 2>&1 || true
fi

dotnet build -c Release bench/Compare.Bench --nologo -v quiet -clp:ErrorsOnly

# The silo is measured as an operator deploys it: published, one native executable compiled ahead of time
# (Silo/publish.sh), into a temporary directory the benchmark starts it from — or the one OPTIMUS_BENCH_SILO names.
if [ -z "${OPTIMUS_BENCH_SILO:-}" ]; then
  silo="$(mktemp -d -t optimus-silo-XXXXXX)"
  trap 'rm -rf "$silo"' EXIT
  Silo/publish.sh "$silo"
  export OPTIMUS_BENCH_SILO="$silo"
fi

dotnet run -c Release --no-build --project bench/Compare.Bench -- "$@"
