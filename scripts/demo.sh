#!/usr/bin/env bash
# README's main job: build, then run `vifibnet demo` (a registry and nodes in network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dotnet build src/Vifibnet.Cli -c Release -nologo -v quiet
exec dotnet src/Vifibnet.Cli/bin/Release/net10.0/vifibnet.dll demo "$@"
