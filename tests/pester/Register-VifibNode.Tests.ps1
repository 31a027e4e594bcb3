# Pester 5 tests for Register-VifibNode and Get-VifibNodeIdentity against a real registry process.
BeforeAll {
    $module = $env:VIFIBNET_MODULE
    if (-not $module) { $module = Join-Path $PSScriptRoot '../../out/Vifibnet/Vifibnet.psd1' }
    Import-Module $module -Force
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $script:port = $listener.LocalEndpoint.Port; $listener.Stop()
    $script:net = New-VifibRegistry -Path "$TestDrive/net" -Network 2001:db8:42::/48
    $script:job = Start-VifibRegistry -Port $port -Db $net.DbPath -Ca $net.CaPath -Key $net.KeyPath `
        -Bootstrap '0000000000000111 198.51.100.9 1194 udp' -LogLevel 1 -AsJob
    $deadline = (Get-Date).AddSeconds(30)
    while (-not ((Receive-Job $job -Keep) -match 'listening') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
}

AfterAll {
    Stop-Job $job
    Remove-Job $job
}

Describe 'Register-VifibNode' {
    It 'registers with an admin token over IPv4 and IPv6' -ForEach @(@{ Server = '127.0.0.1' }, @{ Server = '::1' }) {
        $dir = "$TestDrive/node-$($Server -replace '[:.]', '')"
        $token = (New-VifibToken -Db $net.DbPath).Token
        $result = Register-VifibNode -Server $Server -Port $port -Path $dir -Token $token -Attribute @{ O = 'Example' }
        $result.Stage | Should -Be 'Complete'
        $result.Network.ToString() | Should -Be '2001:db8:42::/48'
        $result.NodeAddress | Should -Not -BeNullOrEmpty
        Test-Path "$dir/ca.pem", "$dir/cert.key", "$dir/cert.crt", "$dir/peers.db" | Should -Be @($true, $true, $true, $true)
        (Get-Item "$dir/cert.key").UnixFileMode | Should -Be 'UserRead, UserWrite'
        if (Get-Command openssl -ErrorAction SilentlyContinue) {
            openssl verify -CAfile "$dir/ca.pem" "$dir/cert.crt" | Should -Match ': OK'
        }
        ($result | Get-VifibNodeIdentity).Address | Should -Be $result.NodeAddress
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
        Register-VifibNode -Server 127.0.0.1 -Port $port -Path $dir -Token (New-VifibToken -Db $net.DbPath).Token | Out-Null
        $cert = Get-Content "$dir/cert.crt" -Raw
        $again = Register-VifibNode -Server 127.0.0.1 -Port $port -Path $dir -Token 'unused-when-valid'
        $again.Actions | Should -Contain 'peers.db: kept as it is (an existing peer DB is never replaced)'
        Get-Content "$dir/cert.crt" -Raw | Should -Be $cert
    }
}

Describe 'Get-VifibNodeIdentity' {
    It 'names a directory without node files' {
        { Get-VifibNodeIdentity -Path "$TestDrive/empty" } |
            Should -Throw -ErrorId 'GetVifibNodeIdentityUnreadable,Vifibnet.PowerShell.GetVifibNodeIdentityCommand'
    }
}
