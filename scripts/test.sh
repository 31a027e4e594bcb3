#!/usr/bin/env bash
# README's test command: installs what the tests drive, builds, runs every test (as root: the mesh
# tests need network namespaces and say so loudly when they cannot run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dotnet build Vifibnet.slnx -c Release -nologo -v quiet
dotnet test tests/Vifibnet.Tests -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
