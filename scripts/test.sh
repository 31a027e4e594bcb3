#!/usr/bin/env bash
# README's test command: installs what the tests drive, builds, runs every test (as root: the mesh
# tests need network namespaces and fail loudly, naming what is missing, when they cannot run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dotnet build Vifibnet.slnx -c Release -nologo -v quiet
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test tests/Vifibnet.Tests -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
# One plain closing line, whatever the runner printed above (counts from its "Total tests" block).
count() { grep -E "^ +$1: +[0-9]+" "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
if grep -q '^Total tests:' "$log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit $status
