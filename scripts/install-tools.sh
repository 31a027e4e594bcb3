#!/usr/bin/env bash
# Installs the PowerShell the module is tested in (pwsh 7.6.10, NuGet's PowerShell dotnet tool) and
# Pester 5.7.1 (NuGet package) under .tools/, when missing. Idempotent; needs only the .NET SDK.
#   .tools/bin/pwsh            the pwsh the tests run: `exec dotnet pwsh.dll`, one process (the tool's
#                              own shim starts pwsh as a child, so a signal sent to it would miss pwsh)
#   .tools/Pester/Pester.psd1  the Pester module
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$PWD/.tools
pwsh_version=7.6.10   # 7.7.0 does not run here
pester_version=5.7.1
if ! "$tools/pwsh/pwsh" -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null | grep -qx "$pwsh_version"; then
  echo "install-tools: pwsh $pwsh_version"
  rm -rf "$tools/pwsh"
  dotnet tool install --tool-path "$tools/pwsh" PowerShell --version "$pwsh_version" >/dev/null
fi
dll=$(find "$tools/pwsh/.store" -path '*/unix/pwsh.dll' | head -1)
[ -n "$dll" ] || { echo "install-tools: pwsh.dll not found under $tools/pwsh/.store" >&2; exit 1; }
mkdir -p "$tools/bin"
printf '#!/bin/sh\nexec dotnet "%s" "$@"\n' "$dll" > "$tools/bin/pwsh"
chmod +x "$tools/bin/pwsh"
if [ ! -f "$tools/Pester/Pester.psd1" ]; then
  echo "install-tools: Pester $pester_version"
  restore=$(mktemp -d)
  trap 'rm -rf "$restore"' EXIT
  cat > "$restore/pester.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$pester_version]" /></ItemGroup>
</Project>
PROJ
  dotnet restore "$restore/pester.csproj" --packages "$restore/packages" -nologo -v quiet >/dev/null
  rm -rf "$tools/Pester"
  mkdir -p "$tools"
  cp -r "$restore/packages/pester/$pester_version/tools" "$tools/Pester"
fi
