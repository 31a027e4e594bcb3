# Shared helpers of the Pester suites (imported by every *.Tests.ps1): the packaged module, free
# ports, waits on a condition that fail at their deadline, test certificates, network namespaces.

function Get-VifibModulePath {
    if ($env:VIFIBNET_MODULE) { return $env:VIFIBNET_MODULE }
    Join-Path $PSScriptRoot '../../out/Vifibnet/Vifibnet.psd1'
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop(); $port
}

# Waits until the script block returns something true; throws naming what it waited for at the deadline.
function Wait-Until([scriptblock] $Condition, [string] $What, [int] $Seconds = 30) {
    $deadline = (Get-Date).AddSeconds($Seconds)
    while ((Get-Date) -lt $deadline) {
        if (& $Condition) { return }
        Start-Sleep -Milliseconds 200
    }
    throw "waited $Seconds s for $What"
}

function Wait-RegistryListening($Job, [int] $Seconds = 30) {
    Wait-Until { (Receive-Job $Job -Keep) -match 'listening' } "the registry job to listen (state $($Job.State))" $Seconds
}

# The pwsh the tests run in, for child PowerShells (a script that exits, a pwsh killed with SIGTERM).
# pwsh installed as a dotnet tool runs as `dotnet pwsh.dll`: its process path is dotnet, so build.ps1 names the launcher.
function Get-Pwsh {
    if ($env:VIFIBNET_PWSH) { return $env:VIFIBNET_PWSH }
    if (Test-Path "$PSHOME/pwsh") { return "$PSHOME/pwsh" }
    (Get-Process -Id $PID).Path
}

# A CA for 2001:db8:42::/48 (serial carries the prefix) and a node certificate with CN 1/16, made with openssl.
function New-TestNode([string] $Dir, [string] $Cn = '1\/16') {
    New-Item -ItemType Directory -Force $Dir | Out-Null
    & openssl req -x509 -newkey rsa:2048 -nodes -keyout "$Dir/ca.key" -out "$Dir/ca.pem" -subj '/CN=Test CA' `
        -set_serial 0x120010db80042 -days 2 -addext 'basicConstraints=critical,CA:TRUE' 2>$null
    & openssl req -newkey rsa:2048 -nodes -keyout "$Dir/cert.key" -out "$Dir/cert.csr" -subj "/CN=$Cn" 2>$null
    & openssl x509 -req -in "$Dir/cert.csr" -CA "$Dir/ca.pem" -CAkey "$Dir/ca.key" -set_serial 7 -days 2 -out "$Dir/cert.crt" 2>$null
    if (-not (Test-Path "$Dir/cert.crt")) { throw "openssl could not make the test certificates in $Dir" }
}

# Root tests say loudly why they cannot run instead of being skipped.
function Assert-CanRunRootTests {
    if ((id -u) -ne 0) { throw 'this test needs root (network namespaces, tap devices): run it as root, as CI does' }
    foreach ($tool in 'openvpn', 'babeld', 'openssl', 'ip') {
        if (-not (Get-Command $tool -ErrorAction Ignore)) { throw "this test needs '$tool': scripts/install-deps.sh installs it" }
    }
}

function New-TestNamespace([string] $Name) {
    & ip netns del $Name 2>$null
    & ip netns add $Name
    & ip -n $Name link set lo up
}

# Whatever happened, nothing of the test survives it: kill what runs in the namespace, then remove it.
function Remove-TestNamespace([string] $Name) {
    foreach ($processId in (& ip netns pids $Name 2>$null)) { Stop-Process -Id $processId -Force -ErrorAction Ignore }
    & ip netns del $Name 2>$null
}

# Processes whose command line contains $Pattern (the test's own directory makes it unique).
function Get-ProcessByCommandLine([string] $Pattern) {
    @(Get-ChildItem /proc -Directory -ErrorAction Ignore | Where-Object Name -match '^\d+$' | ForEach-Object {
        $cmd = try { [System.IO.File]::ReadAllText("/proc/$($_.Name)/cmdline") -replace "`0", ' ' } catch { '' }
        if ($cmd -like "*$Pattern*" -and $_.Name -ne "$PID") { [pscustomobject]@{ Id = [int]$_.Name; CommandLine = $cmd } }
    })
}

Export-ModuleMember -Function *
