#!/usr/bin/env pwsh
# Build, test (xunit + Pester) and package Vifibnet. scripts/install-tools.sh installs the pwsh and
# Pester this runs with; scripts/test.sh (README's test command) calls the Package and Pester tasks.
#   ./build.ps1                 build + xunit + package + Pester
#   ./build.ps1 -Task Package   lay out the module in out/Vifibnet as a user gets it
#   ./build.ps1 -Task Pester    run tests/pester against out/Vifibnet (package first)
#   ./build.ps1 -Task Deb       out/vifibnet_<version>_<arch>.deb (scripts/build-deb.sh)
#   ./build.ps1 -Task Publish   out/psrepo/Vifibnet.<version>.nupkg: the module published into a local folder repository
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Pester', 'Deb', 'Publish', 'All')]
    [string] $Task = 'All',
    [string] $Configuration = 'Release',
    # The module is built for one Linux runtime: the cmdlets' SQLite library and the bundled program are native.
    [string] $Runtime = $(if ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64') { 'linux-arm64' } else { 'linux-x64' })
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/Vifibnet'

function Invoke-Build {
    dotnet build (Join-Path $root 'Vifibnet.slnx') -c $Configuration -nologo -v quiet
    if ($LASTEXITCODE) { throw "dotnet build failed ($LASTEXITCODE)" }
}

function Invoke-Package {
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    # The cmdlets run on the PowerShell host's own .NET; only their SQLite native library is per-runtime.
    dotnet publish (Join-Path $root 'src/Vifibnet.PowerShell') -c $Configuration -r $Runtime --self-contained false -o $moduleDir -nologo -v quiet
    if ($LASTEXITCODE) { throw "publishing the cmdlets failed ($LASTEXITCODE)" }
    # Start-VifibRegistry runs this program: native (Native AOT, linked with clang), so a host with only pwsh (no ASP.NET Core)
    # can serve a registry. The settings live in Vifibnet.Cli.csproj, shared with scripts/build-deb.sh.
    dotnet publish (Join-Path $root 'src/Vifibnet.Cli') -c $Configuration -r $Runtime -o (Join-Path $moduleDir 'bin') -nologo -v quiet
    if ($LASTEXITCODE) { throw "publishing the vifibnet program failed ($LASTEXITCODE)" }
    Get-ChildItem $moduleDir -Filter *.pdb | Remove-Item
    Copy-Item (Join-Path $root 'Vifibnet.psd1') $moduleDir
    Copy-Item (Join-Path $root 'module/*') $moduleDir -Recurse
    # Help: MAML made from the cmdlets' XML doc comments (platyPS is not available here).
    & (Join-Path $root 'scripts/New-MamlHelp.ps1') -Assembly (Join-Path $moduleDir 'Vifibnet.PowerShell.dll') `
        -DocFile (Join-Path $moduleDir 'Vifibnet.PowerShell.xml') -OutFile (Join-Path $moduleDir 'en-US/Vifibnet.PowerShell.dll-Help.xml')
    $size = (Get-ChildItem $moduleDir -Recurse -File | Measure-Object Length -Sum).Sum
    Write-Host ("module laid out in {0} ({1:N1} MB, {2})" -f $moduleDir, ($size / 1MB), $Runtime)
}

function Invoke-Deb {
    # One implementation for hosts with and without pwsh: the plain shell script.
    sh (Join-Path $root 'scripts/build-deb.sh')
    if ($LASTEXITCODE) { throw "building the .deb failed ($LASTEXITCODE)" }
}

# The packaged module through Publish-PSResource (PSResourceGet, shipped with pwsh 7.6) into a folder
# repository, out/psrepo: the .nupkg a gallery would serve. The repository is registered for this
# call only; Install-PSResource takes it from there (tests/pester/Publish.Tests.ps1, README).
function Invoke-Publish {
    if (-not (Test-Path (Join-Path $moduleDir 'Vifibnet.psd1'))) { Invoke-Package }
    $repoDir = Join-Path $root 'out/psrepo'
    if (Test-Path $repoDir) { Remove-Item $repoDir -Recurse -Force }
    New-Item -ItemType Directory $repoDir | Out-Null
    $name = "VifibnetBuild$PID"
    Register-PSResourceRepository -Name $name -Uri $repoDir -Trusted
    try { Publish-PSResource -Path $moduleDir -Repository $name }
    finally { Unregister-PSResourceRepository -Name $name }
    $package = Get-ChildItem $repoDir -Filter 'Vifibnet.*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "Publish-PSResource left no Vifibnet package in $repoDir" }
    Write-Host ("module package {0} ({1:N1} MB)" -f $package.FullName, ($package.Length / 1MB))
}

function Invoke-XunitTests {
    dotnet test (Join-Path $root 'tests/Vifibnet.Tests') -c $Configuration --no-build -nologo
    if ($LASTEXITCODE) { throw "xunit tests failed ($LASTEXITCODE)" }
}

function Invoke-PesterTests {
    $pester = Join-Path $root '.tools/Pester/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester is not installed in .tools: run scripts/install-tools.sh" }
    Import-Module $pester -Force
    $env:VIFIBNET_MODULE = Join-Path $moduleDir 'Vifibnet.psd1'
    # Tests start child PowerShells (a script that exits, a pwsh killed with SIGTERM): the same pwsh as this one.
    $env:VIFIBNET_PWSH = if (Test-Path (Join-Path $root '.tools/bin/pwsh')) { Join-Path $root '.tools/bin/pwsh' } else { (Get-Process -Id $PID).Path }
    if (-not (Test-Path $env:VIFIBNET_MODULE)) { throw "no packaged module at $env:VIFIBNET_MODULE: run ./build.ps1 -Task Package" }
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/pester'
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $root 'out/pester-results.xml'
    $result = Invoke-Pester -Configuration $config
    # A container that fails (BeforeAll) counts as failed: its tests never ran.
    $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Write-Host ("pester: {0} passed, {1} failed, {2} skipped, {3:N0} s" -f $result.PassedCount, $failed, $result.SkippedCount, $result.Duration.TotalSeconds)
    if ($failed -gt 0) { throw "$failed Pester test(s) or block(s) failed" }
}

switch ($Task) {
    'Build'   { Invoke-Build }
    'Test'    { Invoke-Build; Invoke-XunitTests }
    'Package' { Invoke-Package }
    'Pester'  { Invoke-PesterTests }
    'Deb'     { Invoke-Deb }
    'Publish' { Invoke-Publish }
    'All'     { Invoke-Build; Invoke-XunitTests; Invoke-Package; Invoke-PesterTests }
}
