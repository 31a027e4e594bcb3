# Register-VifibNode and Get-VifibNodeIdentity against a real registry process (served by a registry job).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    Import-Module (Get-VifibModulePath) -Force
    $script:port = Get-FreePort
    $script:net = New-VifibRegistry -Path "$TestDrive/net" -Network 2001:db8:42::/48
    $script:job = $net | Start-VifibRegistry -Port $port -Bootstrap '0000000000000111 198.51.100.9 1194 udp' -LogLevel 1 -AsJob
    Wait-RegistryListening $job
}

AfterAll {
    Stop-Job $job
    Remove-Job $job
}

Describe 'Register-VifibNode' {
    It 'registers with an admin token over IPv4 and IPv6' -ForEach @(@{ Server = '127.0.0.1' }, @{ Server = '::1' }) {
        $dir = "$TestDrive/node-$($Server -replace '[:.]', '')"
        $result = $net | New-VifibToken | Register-VifibNode -Server $Server -Port $port -Path $dir -Attribute @{ O = 'Example' }
        $result.Stage | Should -Be 'Complete'
        $result.Network | Should -Be '2001:db8:42::/48'
        $result.OverlayAddress | Should -Match '^2001:db8:42:'
        Test-Path "$dir/ca.pem", "$dir/cert.key", "$dir/cert.crt", "$dir/peers.db" | Should -Be @($true, $true, $true, $true)
        (Get-Item "$dir/cert.key").UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        openssl verify -CAfile "$dir/ca.pem" "$dir/cert.crt" | Should -Match ': OK'
        ($result | Get-VifibNodeIdentity).OverlayAddress | Should -Be $result.OverlayAddress
    }

    It 'pins the CA named by -CaFingerprint (New-VifibToken pipes it) and refuses another registry''s' {
        $other = New-VifibRegistry -Path "$TestDrive/other" -Network 2001:db8:43::/48
        $other.CaFingerprint | Should -Match '^sha256:[0-9a-f]{64}$'
        { Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/pinned" -Token 'X' -CaFingerprint $other.CaFingerprint } |
            Should -Throw -ErrorId 'RegisterVifibNodeCaFingerprintMismatch,Vifibnet.PowerShell.RegisterVifibNodeCommand'
        Test-Path "$TestDrive/pinned" | Should -BeFalse
        $token = $net | New-VifibToken
        $token.CaFingerprint | Should -Be $net.CaFingerprint
        ($token | Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/pinned" -NoBoot).Stage | Should -Be 'Complete'
    }

    It 'keeps another network''s CA in -Path unless -Force' {
        $other = New-VifibRegistry -Path "$TestDrive/other2" -Network 2001:db8:44::/48
        $dir = New-Item -ItemType Directory "$TestDrive/theirs"
        Copy-Item $other.CaPath "$dir/ca.pem"
        { $net | New-VifibToken | Register-VifibNode -Server 127.0.0.1 -Port $port -Path $dir -NoBoot } |
            Should -Throw -ErrorId 'RegisterVifibNodeCaChanged,Vifibnet.PowerShell.RegisterVifibNodeCommand'
        Get-Content "$dir/ca.pem" -Raw | Should -Be (Get-Content $other.CaPath -Raw)
        ($net | New-VifibToken | Register-VifibNode -Server 127.0.0.1 -Port $port -Path $dir -NoBoot -Force).Network | Should -Be '2001:db8:42::/48'
    }

    It 'writes nothing with -WhatIf' {
        Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/whatif" -Token 'X' -WhatIf
        Test-Path "$TestDrive/whatif" | Should -BeFalse
    }

    It 'stops after the CA with -CaOnly' {
        (Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/caonly" -CaOnly).Stage | Should -Be 'CaOnly'
        (Get-ChildItem "$TestDrive/caonly").Name | Should -Be 'ca.pem'
    }

    It 'fails a script with a wrong token' {
        { Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/bad" -Token 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } |
            Should -Throw -ErrorId 'RegisterVifibNodeTokenRejected,Vifibnet.PowerShell.RegisterVifibNodeCommand'
    }

    It 'names an unreachable registry' {
        { Register-VifibNode -Server 127.0.0.1 -Port 1 -Path "$TestDrive/none" -Token 'X' } |
            Should -Throw -ErrorId 'RegisterVifibNodeRegistryUnreachable,Vifibnet.PowerShell.RegisterVifibNodeCommand'
        Test-Path "$TestDrive/none" | Should -BeFalse
    }

    It 'rejects an invalid attribute name' {
        { Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/attr" -Token 'X' -Attribute @{ Organisation = 'x' } } |
            Should -Throw -ErrorId 'RegisterVifibNodeInvalidAttribute,Vifibnet.PowerShell.RegisterVifibNodeCommand'
    }

    It 'reuses the key and certificate on a re-run' {
        $dir = "$TestDrive/rerun"
        $net | New-VifibToken | Register-VifibNode -Server 127.0.0.1 -Port $port -Path $dir | Out-Null
        $cert = Get-Content "$dir/cert.crt" -Raw
        $again = Register-VifibNode -Server 127.0.0.1 -Port $port -Path $dir -Token 'unused-when-valid'
        $again.Actions | Should -Contain 'peers.db: kept as it is (an existing peer DB is never replaced)'
        Get-Content "$dir/cert.crt" -Raw | Should -Be $cert
    }

    It 'without -Token in a PowerShell that cannot ask, fails at once and writes nothing' {
        # This suite runs under pwsh -NonInteractive.
        { Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/noni" -Email ops@example.com } |
            Should -Throw -ErrorId 'RegisterVifibNodeTokenMissing,Vifibnet.PowerShell.RegisterVifibNodeCommand'
        Test-Path "$TestDrive/noni" | Should -BeFalse
    }

    It 'without -Token inside Start-Job, fails instead of blocking forever' {
        $module = Get-VifibModulePath
        $started = Get-Date
        $bg = Start-Job { Import-Module $using:module; Register-VifibNode -Server 127.0.0.1 -Port $using:port -Path "$using:TestDrive/injob" }
        $finished = Wait-Job $bg -Timeout 60
        $finished | Should -Not -BeNullOrEmpty -Because 'the job must not wait for an answer nobody can give'
        $bg.State | Should -Be 'Failed'
        $bg.ChildJobs[0].JobStateInfo.Reason.Message | Should -Match 'cannot ask'
        Remove-Job $bg -Force
        Test-Path "$TestDrive/injob/ca.pem" | Should -BeFalse
    }

    It 'Get-VifibNodeIdentity names a directory without node files, and goes on with the next piped one' {
        $good = "$TestDrive/node-127001"
        $ids = "$TestDrive/empty", $good | Get-VifibNodeIdentity -ErrorVariable failed -ErrorAction SilentlyContinue
        @($ids).Count | Should -Be 1
        $ids.Path | Should -Be $good
        $failed[0].FullyQualifiedErrorId | Should -Be 'GetVifibNodeIdentityUnreadable,Vifibnet.PowerShell.GetVifibNodeIdentityCommand'
    }

    It 'Get-VifibNodeIdentity serialises prefixes and addresses as text' {
        $json = Get-VifibNodeIdentity "$TestDrive/node-127001" | ConvertTo-Json | ConvertFrom-Json
        $json.Network | Should -Be '2001:db8:42::/48'
        $json.OverlayAddress | Should -Match '^2001:db8:42:[0-9a-f:]+$'
        $json.Prefix | Should -Match '^[01]{16}$'
    }
}
