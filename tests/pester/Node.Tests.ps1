# The node cmdlets (Start-VifibNode, Get-VifibTunnel, Get-VifibNodeStatus, Update-VifibPeers). The job and
# lifetime tests need root, openvpn and babeld: each node runs inside a network namespace of its own
# (prefix vd-) so the host's own network is never touched.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    $script:module = Get-VifibModulePath
    Import-Module $module -Force
}

Describe 'Start-VifibNode' {
    It 'rejects a bad -Pp protocol before starting anything' {
        { Start-VifibNode -Path "$TestDrive/bad" -Pp '1194 sctp' } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand'
        Test-Path "$TestDrive/bad/peers.db" | Should -BeFalse
    }

    It 'rejects a -TunnelTimeout of 1 second (one lost ping would drop a tunnel) before starting anything' {
        $err = { Start-VifibNode -Path "$TestDrive/timeout" -TunnelTimeout 1 } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*--tunnel-timeout*2..3600*"
        Test-Path "$TestDrive/timeout/peers.db" | Should -BeFalse
    }

    It 'rejects a -ProbeTimeout of 0.1 s (one lost probe would reroute) before starting anything' {
        $err = { Start-VifibNode -Path "$TestDrive/probe" -ProbeTimeout 0.1 } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*--probe-timeout*0.3..60*"
        Test-Path "$TestDrive/probe/peers.db" | Should -BeFalse
    }

    It 'names the file and line of a bad -ConfigFile line' {
        Set-Content "$TestDrive/node.conf" "hello 4`nv 3"
        $err = { Start-VifibNode -Path "$TestDrive/conf" -ConfigFile "$TestDrive/node.conf" } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*node.conf:2:*"
    }

    It 'refuses a missing certificate before any job exists' {
        New-Item -ItemType Directory "$TestDrive/nocert" | Out-Null
        $before = @(Get-Job).Count
        $job = Start-VifibNode -Path "$TestDrive/nocert" -Ip 198.51.100.1:1194/udp -AsJob -ErrorVariable failed -ErrorAction SilentlyContinue
        $job | Should -BeNullOrEmpty
        @(Get-Job).Count | Should -Be $before
        $failed[0].FullyQualifiedErrorId | Should -Be 'StartVifibNodeCertificateInvalid,Vifibnet.PowerShell.StartVifibNodeCommand'
        $failed[0].Exception.Message | Should -BeLike "*$TestDrive/nocert/*"
    }

    It 'fails a job that cannot start with the reason first and in JobStateInfo.Reason' {
        New-TestNode "$TestDrive/badlog"
        Set-Content "$TestDrive/not-a-directory" 'x'
        $job = Start-VifibNode -Path "$TestDrive/badlog" -LogPath "$TestDrive/not-a-directory" -Ip 198.51.100.1:1194/udp -AsJob
        Wait-Until { $job.State -eq 'Failed' } 'the node job to fail'
        $job.JobStateInfo.Reason | Should -Not -BeNullOrEmpty
        $job.Error[0].FullyQualifiedErrorId | Should -BeLike 'StartVifibNode*'
        $job.Error[0].FullyQualifiedErrorId | Should -Not -BeLike '*DaemonError*'
        $job.Error[0].Exception.Message | Should -Be $job.JobStateInfo.Reason.Message
        Remove-Job $job
    }

    It 'starts nothing with -WhatIf' {
        Start-VifibNode -Path "$TestDrive/whatif" -WhatIf
        Test-Path "$TestDrive/whatif/peers.db" | Should -BeFalse
    }
}

Describe 'Node queries without a node' {
    It 'Get-VifibTunnel says no node runs on the state directory' {
        { Get-VifibTunnel -Path "$TestDrive/none" -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetVifibTunnelNodeNotRunning,Vifibnet.PowerShell.GetVifibTunnelCommand'
    }

    It 'Get-VifibNodeStatus says no node runs on the state directory' {
        $err = { Get-VifibNodeStatus -Path "$TestDrive/none" -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetVifibNodeStatusNodeNotRunning,Vifibnet.PowerShell.GetVifibNodeStatusCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$TestDrive/none*"
    }

    It 'Update-VifibPeers says there is no peer DB to update (the node kind NotSetUp)' {
        { Update-VifibPeers -Path "$TestDrive/none" -ErrorAction Stop } |
            Should -Throw -ErrorId 'UpdateVifibPeersNotSetUp,Vifibnet.PowerShell.UpdateVifibPeersCommand'
    }

    It 'Update-VifibPeers changes nothing with -WhatIf' {
        Update-VifibPeers -Path "$TestDrive/none" -WhatIf
        Test-Path "$TestDrive/none/peers.db" | Should -BeFalse
    }
}

Describe 'A node in a job, and nothing left after PowerShell (root, openvpn, babeld)' {
    BeforeAll {
        Assert-CanRunRootTests
        $script:ns = 'vd-pester'
        New-TestNamespace $ns
        New-TestNode "$TestDrive/node"
        $script:pwsh = Get-Pwsh
        # What a node leaves when it is not stopped: children in the namespace, tap devices, the lo address.
        function script:Get-Leftovers {
            [pscustomobject]@{
                Pids = @(& ip netns pids $ns)
                Taps = @(& ip -n $ns -o link show | Select-String 'vifib-')
                LoAddress = @(& ip -n $ns -6 -o addr show dev lo | Select-String '2001:db8:42:1::1')
            }
        }
    }

    AfterAll { Remove-TestNamespace $ns }

    It 'runs the daemon in a job, shows its status and server device, and Stop-Job leaves nothing' {
        $script = @"
Import-Module '$module' -Force
`$job = Start-VifibNode -Path '$TestDrive/node' -LogPath '$TestDrive/node' -Ip 198.51.100.1:1194/udp -Pp 1194/udp -Hello 4 -LogLevel 2 -AsJob
`$deadline = (Get-Date).AddSeconds(30)
while (`$job.StatusMessage -ne 'Running' -and (Get-Date) -lt `$deadline) { Start-Sleep -Milliseconds 200 }
`$state = `$job.StatusMessage
`$tunnels = @(`$job | Get-VifibTunnel)
`$status = `$job | Get-VifibNodeStatus
`$links = (& ip -o link show) -join "``n"
`$verbose = @(`$job.Verbose | ForEach-Object { `$_.Message }) -join "``n"
Stop-Job `$job
`$jobState = `$job.JobStateInfo.State.ToString()
Receive-Job `$job -Wait -AutoRemoveJob | Out-Null
`$removed = -not (Get-Job -Id `$job.Id -ErrorAction Ignore)
`$after = (& ip -o link show) -join "``n"
[pscustomobject]@{ State = `$state; JobState = `$jobState; Removed = `$removed; Tunnels = `$tunnels.Count; Status = `$status; Links = `$links; After = `$after; Verbose = `$verbose } | ConvertTo-Json -Compress -Depth 3
"@
        $result = & ip netns exec $ns $pwsh -NoProfile -NonInteractive -Command $script | Select-Object -Last 1 | ConvertFrom-Json
        $result.State | Should -Be 'Running'
        $result.Links | Should -Match 'vifib-s0'
        $result.Tunnels | Should -Be 0          # no peer yet: the control socket answered with an empty list
        $result.Status.State | Should -Be 'running'
        $result.Status.CommonName | Should -Be '1/16'
        $result.Status.OverlayAddress | Should -Be '2001:db8:42:1::1'
        $result.Status.AdvertisedAddress | Should -Be '198.51.100.1,1194,udp'
        $result.Status.AddressSource | Should -Be '--ip'
        $result.Status.Path | Should -Be "$TestDrive/node"
        $result.Verbose | Should -Match 'openvpn server 1194/udp started'
        $result.JobState | Should -Be 'Stopped'
        $result.Removed | Should -BeTrue
        $result.After | Should -Not -Match 'vifib-'
        $left = Get-Leftovers
        $left.Pids.Count | Should -Be 0
        $left.LoAddress.Count | Should -Be 0
    }

    It 'a script that exits with a node job running leaves no process, device or address' {
        $script = "Import-Module '$module'; `$j = Start-VifibNode -Path '$TestDrive/node' -LogPath '$TestDrive/node' -Ip 198.51.100.1:1194/udp -Pp 1194/udp -Hello 4 -AsJob; " +
            "`$d = (Get-Date).AddSeconds(30); while (`$j.StatusMessage -ne 'Running' -and (Get-Date) -lt `$d) { Start-Sleep -m 200 }; `$j.StatusMessage"
        $out = & ip netns exec $ns $pwsh -NoProfile -NonInteractive -Command $script
        $out | Select-Object -Last 1 | Should -Be 'Running'
        $left = Get-Leftovers
        $left.Pids.Count | Should -Be 0 -Because "openvpn and babeld must end with PowerShell ($((& ip netns pids $ns) -join ','))"
        $left.Taps.Count | Should -Be 0
        $left.LoAddress.Count | Should -Be 0
    }

    It 'a pwsh stopped with SIGTERM while Start-VifibNode runs in the foreground leaves nothing' {
        $script = "Import-Module '$module'; Start-VifibNode -Path '$TestDrive/node' -LogPath '$TestDrive/node' -Ip 198.51.100.1:1194/udp -Pp 1194/udp -Hello 4"
        $p = Start-Process ip -ArgumentList @('netns', 'exec', $ns, $pwsh, '-NoProfile', '-NonInteractive', '-Command', $script) -PassThru
        try {
            Wait-Until { (& ip -n $ns -o link show) -match 'vifib-s0' -and (& ip -n $ns -6 -o addr show dev lo) -match '2001:db8:42:1::1' } 'the foreground node to start'
            Wait-Until { @(& ip netns pids $ns).Count -ge 3 } 'pwsh, openvpn and babeld in the namespace'
            $pwshPid = @(& ip netns pids $ns | Where-Object { (Get-Content "/proc/$_/cmdline" -Raw -ErrorAction Ignore) -match 'pwsh' })[0]
            $pwshPid | Should -Not -BeNullOrEmpty
            & kill -TERM $pwshPid
            Wait-Until { @(& ip netns pids $ns).Count -eq 0 } 'every process of the namespace to end after SIGTERM' 60
        }
        finally { if (-not $p.HasExited) { $p.Kill($true) } }
        $left = Get-Leftovers
        $left.Taps.Count | Should -Be 0
        $left.LoAddress.Count | Should -Be 0
    }
}
