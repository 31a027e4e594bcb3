#!/usr/bin/env pwsh
# Build, test (xunit + Pester) and package Vifibnet on a host with pwsh.
#   ./build.ps1                 build + xunit + Pester
#   ./build.ps1 -Task Package   also lay out the module in out/Vifibnet (cmdlets + the vifibnet program)
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'All')]
    [string] $Task = 'All',
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/Vifibnet'

function Invoke-Build {
    dotnet build (Join-Path $root 'Vifibnet.slnx') -c $Configuration -nologo
    if ($LASTEXITCODE) { throw "dotnet build failed ($LASTEXITCODE)" }
}

function Invoke-Package {
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    # The cmdlet assembly and the vifibnet program side by side: Start-VifibRegistry runs the program from here.
    dotnet publish (Join-Path $root 'src/Vifibnet.PowerShell') -c $Configuration -o $moduleDir -nologo
    if ($LASTEXITCODE) { throw "publishing the cmdlets failed ($LASTEXITCODE)" }
    dotnet publish (Join-Path $root 'src/Vifibnet.Cli') -c $Configuration -o $moduleDir -nologo
    if ($LASTEXITCODE) { throw "publishing the vifibnet program failed ($LASTEXITCODE)" }
    Copy-Item (Join-Path $root 'Vifibnet.psd1') $moduleDir
    if (Test-Path (Join-Path $root 'module')) { Copy-Item (Join-Path $root 'module/*') $moduleDir -Recurse }
    Write-Host "module laid out in $moduleDir"
}

function Invoke-XunitTests {
    dotnet test (Join-Path $root 'tests/Vifibnet.Tests') -c $Configuration --no-build -nologo
    if ($LASTEXITCODE) { throw "xunit tests failed ($LASTEXITCODE)" }
}

function Invoke-PesterTests {
    if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0')) {
        Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser -Force
    }
    $env:VIFIBNET_MODULE = Join-Path $moduleDir 'Vifibnet.psd1'
    $result = Invoke-Pester -Path (Join-Path $root 'tests/pester') -Output Detailed -PassThru
    if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed" }
}

switch ($Task) {
    'Build'   { Invoke-Build }
    'Test'    { Invoke-Build; Invoke-XunitTests }
    'Pester'  { Invoke-Build; Invoke-Package; Invoke-PesterTests }
    'Package' { Invoke-Build; Invoke-Package }
    'All'     { Invoke-Build; Invoke-XunitTests; Invoke-Package; Invoke-PesterTests }
}
