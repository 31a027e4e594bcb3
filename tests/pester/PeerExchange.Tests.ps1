# Peer exchange and the IPv6 underlay at the cmdlets: Get-VifibPeer (a stopped node's peers.db, a
# running node in a job), Start-VifibNode -PeerExchange, -Pp udp6 and an IPv6 -Ip. The job test needs
# root, openvpn and babeld: the node runs inside a network namespace of its own (vd-pxpester).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    $script:module = Get-VifibModulePath
    Import-Module $module -Force
}

Describe 'Get-VifibPeer' {
    It 'says there is no peer DB (the node kind NotSetUp)' {
        { Get-VifibPeer -Path "$TestDrive/none" -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetVifibPeerNotSetUp,Vifibnet.PowerShell.GetVifibPeerCommand'
    }

    It "lists a stopped node's peers with their source: the registry, or a neighbour's signed declaration" {
        New-Item -ItemType Directory "$TestDrive/stopped" | Out-Null
        $db = [Vifibnet.Peers.PeerDb]::Open("$TestDrive/stopped/peers.db", $null, $null)
        try {
            $db.AddOrUpdate([Vifibnet.Peers.Peer]::new('0000000000000010', '198.51.100.12,1194,udp'))
            $declared = [Vifibnet.Peers.PeerDeclarationRecord]::new('0000000000000011', '2001:db8::13,1194,udp', [DateTimeOffset]::UtcNow, 'cert', 'sig', '0000000000000010')
            $db.AddDeclarations([Vifibnet.Peers.PeerDeclarationRecord[]] @($declared)) | Out-Null
        }
        finally { $db.Dispose() }
        $peers = @(Get-VifibPeer -Path "$TestDrive/stopped")
        $peers.Count | Should -Be 2
        $fromRegistry = $peers | Where-Object Prefix -eq '0000000000000010'
        $fromRegistry.Source | Should -Be 'registry'
        $fromRegistry.Via | Should -BeNullOrEmpty
        $learned = $peers | Where-Object Prefix -eq '0000000000000011'
        $learned.Source | Should -Be 'exchange'
        $learned.Via | Should -Be '0000000000000010'
        $learned.Address | Should -Be '2001:db8::13,1194,udp'
        $learned.State | Should -Be 'unused'
    }
}

Describe 'Start-VifibNode options of peer exchange and the IPv6 underlay' {
    It 'refuses a negative -PeerExchange' {
        { Start-VifibNode -Path "$TestDrive/px" -PeerExchange -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Vifibnet.PowerShell.StartVifibNodeCommand'
    }

    It 'refuses an IPv6 -Ip when every -Pp server listens on IPv4 only, saying which -Pp to add' {
        $err = { Start-VifibNode -Path "$TestDrive/v6" -Ip '[2001:db8::7]:1194/udp' -Pp 1194/udp } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*--pp 1194 udp6*'
        Test-Path "$TestDrive/v6/peers.db" | Should -BeFalse
    }

    It 'refuses an unknown -Pp protocol naming the IPv6 spellings' {
        $err = { Start-VifibNode -Path "$TestDrive/pp" -Pp '1194/udp7' } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*udp6 or tcp6-server*'
    }
}

Describe 'A dual-stack node in a job answers peer exchange on its overlay address only (root, openvpn, babeld)' {
    BeforeAll {
        Assert-CanRunRootTests
        $script:ns = 'vd-pxpester'
        New-TestNamespace $ns
        & ip -n $ns link add eth0 type dummy
        & ip -n $ns link set eth0 up
        & ip -n $ns addr add 198.51.100.1/24 dev eth0
        & ip -n $ns addr add 2001:db8::1/64 dev eth0 nodad
        New-TestNode "$TestDrive/node"
        $script:pwsh = Get-Pwsh
    }

    AfterAll { Remove-TestNamespace $ns }

    It 'advertises both addresses, listens on udp6 and on [overlay]:4326, and Get-VifibPeer reads it through the job' {
        $script = @"
Import-Module '$module' -Force
`$job = Start-VifibNode -Path '$TestDrive/node' -LogPath '$TestDrive/node' -Ip 198.51.100.1:1194/udp,'[2001:db8::1]:1194/udp' -Pp 1194/udp6 -PeerExchange 30 -Hello 4 -AsJob
`$deadline = (Get-Date).AddSeconds(30)
while (`$job.StatusMessage -ne 'Running' -and (Get-Date) -lt `$deadline) { Start-Sleep -Milliseconds 200 }
`$status = `$job | Get-VifibNodeStatus
`$peers = @(`$job | Get-VifibPeer)
`$udp = (& ss -Hlnu) -join ' '
`$tcp = (& ss -Hlnt) -join ' '
Stop-Job `$job
Receive-Job `$job -Wait -AutoRemoveJob | Out-Null
[pscustomobject]@{ State = `$status.State; Advertised = `$status.AdvertisedAddress; Peers = `$peers.Count; Udp = `$udp; Tcp = `$tcp } | ConvertTo-Json -Compress
"@
        $result = & ip netns exec $ns $pwsh -NoProfile -NonInteractive -Command $script | Select-Object -Last 1 | ConvertFrom-Json
        $result.State | Should -Be 'running'
        $result.Advertised | Should -Be '198.51.100.1,1194,udp;2001:db8::1,1194,udp'
        $result.Peers | Should -Be 0
        $result.Udp | Should -Match '\*:1194'
        $result.Tcp | Should -Match '\[2001:db8:42:1::1\]:4326'
        $result.Tcp | Should -Not -Match '(\*|0\.0\.0\.0|\[::\]):4326'
        @(& ip netns pids $ns).Count | Should -Be 0
    }
}
