#!/usr/bin/env bash
# Runs every test of the solution and ends with one line: "N passed, N failed[, N skipped]".
# Installs what the tests need when it is missing: Debian's postgresql package (the tests start throwaway servers
# from its binaries; set OPTIMUS_TEST_POSTGRES to a connection string to use an existing server instead).
# SQLite comes as a NuGet package; the .NET 10 SDK must be on the machine.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet was not found on PATH)" >&2
  exit 2
fi

if [ -z "${OPTIMUS_TEST_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "test.sh: installing PostgreSQL (Debian's postgresql package) for the tests" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null \
    || { echo "test.sh: could not install postgresql" >&2; exit 2; }
fi

log=$(mktemp)
native=""
trap 'rm -f "$log"; [ -n "$native" ] && rm -rf "$native"' EXIT
env -u OPTIMUS_TEST_SILO dotnet test Optimus.Orleans.sln --nologo "$@" 2>&1 | tee "$log" # the silo from the build output
status=${PIPESTATUS[0]}

# The two suites whose tests start the silo as a process (Silo.Tests, Client.Tests; their few in-process tests with them)
# run again against the silo as it is deployed: published, compiled ahead of time (Silo/publish.sh;
# OPTIMUS_TEST_SILO may name one published already). OPTIMUS_TEST_NATIVE=0 skips them.
if [ "${OPTIMUS_TEST_NATIVE:-1}" != 0 ]; then
  if [ -z "${OPTIMUS_TEST_SILO:-}" ]; then
    native=$(mktemp -d -t optimus-native-silo-XXXXXX)
    export OPTIMUS_TEST_SILO="$native"
    echo "test.sh: publishing the native silo for the process-level suites" >&2
    Silo/publish.sh "$native" 2>&1 | tee -a "$log" || { echo "Failed!  - Failed:     1, Passed:     0, Skipped:     0, Total:     1 (publishing the native silo)" | tee -a "$log"; status=1; }
  fi
  if [ -x "$OPTIMUS_TEST_SILO/Optimus.Silo" ]; then
    for suite in tests/Silo.Tests/Silo.Tests.csproj tests/Client.Tests/Client.Tests.csproj; do
      dotnet test "$suite" --nologo --no-build "$@" 2>&1 | tee -a "$log"
      [ "${PIPESTATUS[0]}" -ne 0 ] && status=1
    done
  elif [ -z "$native" ]; then
    echo "Failed!  - Failed:     1, Passed:     0, Skipped:     0, Total:     1 (OPTIMUS_TEST_SILO=$OPTIMUS_TEST_SILO holds no Optimus.Silo)" | tee -a "$log"
    status=1
  fi
fi

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 95, Skipped: 0, Total: 95, ...".
read -r failed passed skipped < <(sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \3 \4/p' "$log" \
  | awk '{f += $1; p += $2; s += $3} END {print f + 0, p + 0, s + 0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run failed without a test failing: a build error or a crashed test host
  echo "test.sh: dotnet test exited with $status" >&2
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit "$status"
