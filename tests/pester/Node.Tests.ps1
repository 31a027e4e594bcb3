# Pester 5 tests for the node cmdlets (Start-VifibNode, Get-VifibTunnel, Get-VifibNodeStatus, Update-VifibPeers), against the
# packaged module (build.ps1 -Task Pester). The job test needs root, openvpn and babeld: it runs the
# node inside a network namespace of its own (prefix vd-) so the host's own network is never touched.
BeforeAll {
    $module = $env:VIFIBNET_MODULE
    if (-not $module) { $module = Join-Path $PSScriptRoot '../../out/Vifibnet/Vifibnet.psd1' }
    Import-Module $module -Force

    # A CA for 2001:db8:42::/48 (the serial carries the prefix, as the seed documents) and a node
    # certificate with CN 1/16, made with openssl so the test does not depend on a registry.
    function New-TestNode([string] $Dir) {
        New-Item -ItemType Directory -Force $Dir | Out-Null
        & openssl req -x509 -newkey rsa:2048 -nodes -keyout "$Dir/ca.key" -out "$Dir/ca.pem" -subj '/CN=Test CA' `
            -set_serial 0x120010db80042 -days 2 -addext 'basicConstraints=critical,CA:TRUE' 2>$null
        & openssl req -newkey rsa:2048 -nodes -keyout "$Dir/cert.key" -out "$Dir/cert.csr" -subj '/CN=1\/16' 2>$null
        & openssl x509 -req -in "$Dir/cert.csr" -CA "$Dir/ca.pem" -CAkey "$Dir/ca.key" -set_serial 7 -days 2 -out "$Dir/cert.crt" 2>$null
        if (-not (Test-Path "$Dir/cert.crt")) { throw "openssl could not make the test certificates in $Dir" }
    }
}

Describe 'Start-VifibNode' {
    It 'rejects a bad --pp protocol before starting anything' {
        { Start-VifibNode -State "$TestDrive/bad" -Pp '1194 sctp' } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand'
        Test-Path "$TestDrive/bad/peers.db" | Should -BeFalse
    }

    It 'names the file and line of a bad -ConfigFile line' {
        Set-Content "$TestDrive/node.conf" "hello 4`nv 3"
        $err = { Start-VifibNode -State "$TestDrive/conf" -ConfigFile "$TestDrive/node.conf" } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*node.conf:2:*"
    }

    It 'refuses a missing certificate, naming it' {
        New-Item -ItemType Directory "$TestDrive/nocert" | Out-Null
        $err = { Start-VifibNode -State "$TestDrive/nocert" -Ip '198.51.100.1 1194 udp' } |
            Should -Throw -ErrorId 'StartVifibNodeCertificateInvalid,Vifibnet.PowerShell.StartVifibNodeCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$TestDrive/nocert/cert.crt*"
    }

    It 'starts nothing with -WhatIf' {
        Start-VifibNode -State "$TestDrive/whatif" -WhatIf
        Test-Path "$TestDrive/whatif/peers.db" | Should -BeFalse
    }
}

Describe 'Get-VifibTunnel and Update-VifibPeers without a node' {
    It 'says no node runs on the state directory' {
        { Get-VifibTunnel -State "$TestDrive/none" } |
            Should -Throw -ErrorId 'GetVifibTunnelNodeNotRunning,Vifibnet.PowerShell.GetVifibTunnelCommand'
    }

    It 'Get-VifibNodeStatus says no node runs on the state directory' {
        $err = { Get-VifibNodeStatus -State "$TestDrive/none" } |
            Should -Throw -ErrorId 'GetVifibNodeStatusNodeNotRunning,Vifibnet.PowerShell.GetVifibNodeStatusCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$TestDrive/none*"
    }

    It 'says there is no peer DB to update' {
        { Update-VifibPeers -State "$TestDrive/none" } |
            Should -Throw -ErrorId 'UpdateVifibPeersFailed,Vifibnet.PowerShell.UpdateVifibPeersCommand'
    }

    It 'changes nothing with -WhatIf' {
        Update-VifibPeers -State "$TestDrive/none" -WhatIf
        Test-Path "$TestDrive/none/peers.db" | Should -BeFalse
    }
}

Describe 'Start-VifibNode -AsJob (root, openvpn, babeld)' {
    BeforeAll {
        if ((id -u) -ne 0) { throw 'this test needs root (network namespaces, tap devices): run it as root, as CI does' }
        foreach ($tool in 'openvpn', 'babeld', 'openssl') {
            if (-not (Get-Command $tool -ErrorAction Ignore)) { throw "this test needs '$tool': scripts/install-deps.sh installs it" }
        }
        $script:ns = 'vd-pester'
        & ip netns del $ns 2>$null
        & ip netns add $ns
        & ip -n $ns link set lo up
        New-TestNode "$TestDrive/node"
    }

    AfterAll {
        # Whatever happened, nothing of the test survives it.
        foreach ($processId in (& ip netns pids $ns)) { Stop-Process -Id $processId -Force -ErrorAction Ignore }
        & ip netns del $ns 2>$null
    }

    It 'runs the daemon in a job, shows its server tunnel device, and Stop-Job leaves no process or tap device' {
        # The job runs in-process: a pwsh started inside the namespace hosts it.
        $script = @"
Import-Module '$module' -Force
`$job = Start-VifibNode -State '$TestDrive/node' -Log '$TestDrive/node' -Ip '198.51.100.1 1194 udp' -Pp '1194 udp' -Hello 4 -LogLevel 2 -AsJob
`$deadline = (Get-Date).AddSeconds(30)
while (`$job.StatusMessage -ne 'Running' -and (Get-Date) -lt `$deadline) { Start-Sleep -Milliseconds 200 }
`$state = `$job.StatusMessage
`$tunnels = @(Get-VifibTunnel -State '$TestDrive/node')
`$status = Get-VifibNodeStatus '$TestDrive/node'
`$links = (& ip -o link show) -join "``n"
`$verbose = @(`$job.Verbose | ForEach-Object { `$_.Message }) -join "``n"
Stop-Job `$job
`$after = (& ip -o link show) -join "``n"
[pscustomobject]@{ State = `$state; JobState = `$job.JobStateInfo.State.ToString(); Tunnels = `$tunnels.Count; StatusType = `$status.GetType().FullName; Status = `$status; Links = `$links; After = `$after; Verbose = `$verbose } | ConvertTo-Json -Compress
"@
        $result = & ip netns exec $ns pwsh -NoProfile -Command $script | Select-Object -Last 1 | ConvertFrom-Json
        $result.State | Should -Be 'Running'
        $result.Links | Should -Match 'vifib-s0'
        $result.Tunnels | Should -Be 0          # no peer yet: the control socket answered with an empty list
        $result.StatusType | Should -Be 'Vifibnet.Node.NodeStatus'
        $result.Status.State | Should -Be 'running'
        $result.Status.CommonName | Should -Be '1/16'
        $result.Status.OverlayAddress | Should -Be '2001:db8:42:1::1'
        $result.Status.AdvertisedAddress | Should -Be '198.51.100.1,1194,udp'
        $result.Status.AddressSource | Should -Be '--ip'
        $result.Status.ClientTunnels | Should -Be 0
        $result.Verbose | Should -Match 'openvpn server 1194/udp started'
        $result.JobState | Should -Be 'Stopped'
        $result.After | Should -Not -Match 'vifib-'
        @(& ip netns pids $ns).Count | Should -Be 0
    }
}
