#!/usr/bin/env bash
# README's test command: installs what the tests drive (Debian packages, pwsh 7.6.10, Pester 5.7.1),
# builds (the solution, and the .deb that DebPackageTests installs), runs every xunit test (as root:
# the mesh tests need network namespaces and fail loudly, naming what is missing, when they cannot
# run), packages the PowerShell module exactly as a user gets it, publishes it into out/psrepo, runs every Pester test against it. The last line counts both runners.
# Arguments go to `dotnet test` (e.g. --filter ...); VIFIBNET_PESTER=0 skips Pester, saying so.
# VIFIBNET_PROGRAM: the vifibnet program the xunit end-to-end tests run (default: the .deb's, built above).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-tools.sh
dotnet build Vifibnet.slnx -c Release -nologo -v quiet
sh scripts/build-deb.sh
# The end-to-end tests that start `vifibnet` as a process (CLI, registry, mesh nodes) run the program the
# .deb ships, compiled natively, rather than vifibnet.dll on dotnet (tests/Vifibnet.Tests/Support/CliProgram.cs).
export VIFIBNET_PROGRAM="${VIFIBNET_PROGRAM:-$PWD/out/deb/publish/vifibnet}"
xlog=$(mktemp); plog=$(mktemp)
trap 'rm -f "$xlog" "$plog"' EXIT
status=0
dotnet test tests/Vifibnet.Tests -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$xlog" || status=$?
count() { grep -E "^ +$1: +[0-9]+" "$xlog" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
grep -q '^Total tests:' "$xlog" || { echo "xunit printed no totals: counting it as one failure"; failed=$((failed + 1)); }
echo "xunit: $passed passed, $failed failed, $skipped skipped"
# CI keeps only the tail of the output: name the failed xunit tests again at the end.
xfailed=$(grep -E '^ +Failed [A-Za-z]' "$xlog" | sed -E 's/^ +Failed ([^ ]+).*/\1/' | sort -u || true)
if [ "${VIFIBNET_PESTER:-1}" = 0 ]; then
  echo "PESTER NOT RUN (VIFIBNET_PESTER=0)"
else
  pstatus=0
  .tools/bin/pwsh -NoProfile -NonInteractive -File build.ps1 -Task Package || pstatus=$?
  # The package Publish.Tests.ps1 installs with Install-PSResource.
  [ $pstatus -eq 0 ] && { .tools/bin/pwsh -NoProfile -NonInteractive -File build.ps1 -Task Publish || pstatus=$?; }
  [ $pstatus -eq 0 ] && { .tools/bin/pwsh -NoProfile -NonInteractive -File build.ps1 -Task Pester 2>&1 | tee "$plog" || pstatus=$?; }
  line=$(grep -E '^pester: [0-9]+ passed' "$plog" | tail -1 || true)
  if [ -z "$line" ]; then
    echo "pester: packaging or the Pester run failed before counting: one failure"; failed=$((failed + 1))
  else
    echo "$line"
    passed=$((passed + $(echo "$line" | awk '{print $2}'))); failed=$((failed + $(echo "$line" | awk '{print $4}')))
    skipped=$((skipped + $(echo "$line" | awk '{print $6}')))
  fi
  [ $pstatus -eq 0 ] || status=1
fi
[ "$failed" -eq 0 ] || status=1
if [ -n "$xfailed" ]; then
  echo "xunit tests that failed, each with its error message and where it was raised:"
  # From each "Failed NAME" line: the error message (at most 12 lines) and the first 4 lines of its stack trace.
  awk '/^ +Failed [A-Za-z]/ {on=1; n=0; s=-1} on && s<0 && /^ +Stack Trace:/ {s=0} on {if (s<0 && n<14) print; else if (s>=0 && s<5) print; if (s>=0) s++; n++} on && (/^ +Standard Output Messages:/ || s>=5) {on=0}' "$xlog" | grep -v "Standard Output Messages:" | cut -c1-300
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
