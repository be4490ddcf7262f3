#!/usr/bin/env bash
# Publishes the silo as it is deployed — one native executable, compiled ahead of time (Silo.csproj) — into DIR:
#   Silo/publish.sh DIR
# Installs what the native compiler needs when it is missing (Debian's clang and zlib1g-dev). The tests (test.sh) run
# the process-level suites against it, and bench/compare.sh measures it.
set -euo pipefail
out=$(realpath -m "${1:?usage: Silo/publish.sh DIR}") # before the cd: a relative DIR is the caller's
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) echo "Silo/publish.sh: no ahead-of-time compilation for $(uname -m)" >&2; exit 2 ;;
esac

if ! command -v clang >/dev/null 2>&1 || [ ! -e /usr/include/zlib.h ]; then
  echo "Silo/publish.sh: installing clang and zlib1g-dev for the native compiler" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang zlib1g-dev >/dev/null \
    || { echo "Silo/publish.sh: could not install clang and zlib1g-dev" >&2; exit 2; }
fi

dotnet publish Silo -c Release -r "$rid" -o "$out" --nologo -v quiet -clp:ErrorsOnly
