# An admin's whole day in PowerShell, with the real programs: a network and its registry job, tokens,
# two nodes registered and run as jobs on two hosts (network namespaces joined by a veth pair,
# documentation addresses only), ping over the overlay, tunnels, status, a peer update, Stop-Job,
# and nothing left running afterwards. Needs root, openvpn and babeld.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    Assert-CanRunRootTests
    $script:module = Get-VifibModulePath
    $script:pwsh = Get-Pwsh
    $script:nsA = 'vd-day-a'
    $script:nsB = 'vd-day-b'
    New-TestNamespace $nsA
    New-TestNamespace $nsB
    & ip link add vd-day-va netns $nsA type veth peer name vd-day-vb netns $nsB
    & ip -n $nsA addr add 198.51.100.1/24 dev vd-day-va
    & ip -n $nsB addr add 198.51.100.2/24 dev vd-day-vb
    & ip -n $nsA link set vd-day-va up
    & ip -n $nsB link set vd-day-vb up
    $script:day = "$TestDrive/day"
    New-Item -ItemType Directory $day | Out-Null
    $script:port = 18000 + (Get-Random -Maximum 1000)
}

AfterAll {
    Remove-TestNamespace $nsA
    Remove-TestNamespace $nsB
}

Describe "An admin's day" {
    It 'goes from New-VifibRegistry to two nodes pinging over the overlay, with pipes, and leaves nothing running' {
        # Host A: the network, its registry, the first node. It runs until the test says stop.
        $hostA = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$module'
`$net = New-VifibRegistry -Path '$day/net' -Network 2001:db8:42::/48
`$registry = `$net | Start-VifibRegistry -Port $port -AsJob
`$deadline = (Get-Date).AddSeconds(30)
while (-not ((Receive-Job `$registry -Keep) -match 'listening') -and (Get-Date) -lt `$deadline) { Start-Sleep -m 200 }
`$node1 = `$net | New-VifibToken | Register-VifibNode 198.51.100.1 $port -Path '$day/n1' -NoBoot
`$job1 = `$node1 | Start-VifibNode -Registry 'http://198.51.100.1:$port' -Ip 198.51.100.1:1194/udp -Pp 1194/udp -Hello 4 -LogPath '$day/n1' -AsJob
`$deadline = (Get-Date).AddSeconds(60)
while (-not (`$job1 | Get-VifibNodeStatus -ErrorAction Ignore).LastRegistryContact -and (Get-Date) -lt `$deadline) { Start-Sleep -m 500 }
(`$net | New-VifibToken).Token | Set-Content '$day/token2'
`$node1.OverlayAddress | Set-Content '$day/address1'
`$deadline = (Get-Date).AddSeconds(240)
while (-not (Test-Path '$day/stop') -and (Get-Date) -lt `$deadline) { Start-Sleep -m 500 }
Get-Job | Stop-Job
Get-Job | Remove-Job
'stopped' | Set-Content '$day/a-done'
"@
        Set-Content "$day/hostA.ps1" $hostA
        $a = Start-Process ip -ArgumentList @('netns', 'exec', $nsA, $pwsh, '-NoProfile', '-NonInteractive', '-File', "$day/hostA.ps1") -PassThru `
            -RedirectStandardOutput "$day/a.out" -RedirectStandardError "$day/a.err"
        try {
            Wait-Until { Test-Path "$day/token2" } "host A's registry and first node (a.err: $(Get-Content "$day/a.err" -Raw -ErrorAction Ignore))" 120
            # Host B: register with a token the admin handed over, run the second node, use it.
            $hostB = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$module'
`$address1 = (Get-Content '$day/address1').Trim()
`$node2 = Register-VifibNode 198.51.100.1 $port -Path '$day/n2' -Token (Get-Content '$day/token2').Trim()
`$job2 = `$node2 | Start-VifibNode -Registry 'http://198.51.100.1:$port' -Ip 198.51.100.2:1194/udp -Pp 1194/udp -Hello 4 -LogPath '$day/n2' -AsJob
`$started = Get-Date
`$pinged = `$false
while (-not `$pinged -and ((Get-Date) - `$started).TotalSeconds -lt 120) { & ping -6 -c 1 -W 1 `$address1 *> `$null; `$pinged = `$LASTEXITCODE -eq 0 }
`$seconds = [int]((Get-Date) - `$started).TotalSeconds
`$tunnels = @(`$node2 | Get-VifibTunnel)
`$status = `$node2 | Get-VifibNodeStatus
`$update = `$node2 | Update-VifibPeers
Stop-Job `$job2
`$state = `$job2.State.ToString()
Remove-Job `$job2
[pscustomobject]@{ Pinged = `$pinged; Seconds = `$seconds; Peers = @(`$tunnels.Peer); TunnelStates = @(`$tunnels.State); Status = `$status; Update = `$update; JobState = `$state } | ConvertTo-Json -Compress -Depth 3
"@
            Set-Content "$day/hostB.ps1" $hostB
            $result = & ip netns exec $nsB $pwsh -NoProfile -NonInteractive -File "$day/hostB.ps1" | Select-Object -Last 1 | ConvertFrom-Json
            $result.Pinged | Should -BeTrue -Because 'node 2 reaches node 1 over the overlay'
            Write-Host "    overlay ping answered $($result.Seconds) s after Start-VifibNode on host B"
            $result.Peers.Count | Should -BeGreaterThan 0
            $result.Status.State | Should -Be 'running'
            $result.Status.AdvertisedAddress | Should -Be '198.51.100.2,1194,udp'
            $result.Update.Declared | Should -Be '198.51.100.2,1194,udp'
            $result.Update.Total | Should -BeGreaterThan 0
            $result.JobState | Should -Be 'Stopped'
            @(& ip netns pids $nsB) | Should -BeNullOrEmpty -Because 'host B kept nothing running after Stop-Job and its script ended'
        }
        finally {
            Set-Content "$day/stop" 'stop'
            $a.WaitForExit(60000) | Out-Null
            if (-not $a.HasExited) { $a.Kill($true) }
        }
        Get-Content "$day/a-done" -ErrorAction Ignore | Should -Be 'stopped'
        @(& ip netns pids $nsA) | Should -BeNullOrEmpty -Because 'host A kept nothing running after its script ended'
        @(& ip -n $nsA -o link show) -match 'vifib-' | Should -BeNullOrEmpty
        @(& ip -n $nsB -o link show) -match 'vifib-' | Should -BeNullOrEmpty
    }
}
