# Pester 5 tests for the registry cmdlets, against the packaged module (build.ps1 -Task Pester).
BeforeAll {
    $module = $env:VIFIBNET_MODULE
    if (-not $module) { $module = Join-Path $PSScriptRoot '../../out/Vifibnet/Vifibnet.psd1' }
    Import-Module $module -Force
    function Get-FreePort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop(); $port
    }
}

Describe 'New-VifibRegistry' {
    It 'creates ca.crt (serial carries the prefix), ca.key 0600 and registry.db' {
        $net = New-VifibRegistry -Path "$TestDrive/net" -Network 2001:db8:42::/48
        $net.Network.ToString() | Should -Be '2001:db8:42::/48'
        $net.Serial | Should -Be '0x120010db80042'
        Test-Path "$TestDrive/net/registry.db" | Should -BeTrue
        (Get-Item "$TestDrive/net/ca.key").UnixFileMode | Should -Be 'UserRead, UserWrite'
    }

    It 'writes nothing with -WhatIf' {
        New-VifibRegistry -Path "$TestDrive/whatif" -Network 2001:db8:42::/48 -WhatIf
        Test-Path "$TestDrive/whatif/ca.crt" | Should -BeFalse
    }

    It 'refuses to overwrite a network without -Force' {
        New-VifibRegistry -Path "$TestDrive/twice" -Network 2001:db8:42::/48 | Out-Null
        { New-VifibRegistry -Path "$TestDrive/twice" -Network 2001:db8:43::/48 } |
            Should -Throw -ErrorId 'NewVifibRegistryNetworkExists,Vifibnet.PowerShell.NewVifibRegistryCommand'
        (New-VifibRegistry -Path "$TestDrive/twice" -Network 2001:db8:43::/48 -Force).Network.ToString() | Should -Be '2001:db8:43::/48'
    }

    It 'rejects a prefix that is not one' {
        { New-VifibRegistry -Path "$TestDrive/bad" -Network 198.51.100.0/24 } |
            Should -Throw -ErrorId 'NewVifibRegistryInvalidNetwork,Vifibnet.PowerShell.NewVifibRegistryCommand'
        { New-VifibRegistry -Path "$TestDrive/long" -Network 2001:db8::/120 } |
            Should -Throw -ErrorId 'NewVifibRegistryInvalidNetwork,Vifibnet.PowerShell.NewVifibRegistryCommand'
        Test-Path "$TestDrive/long" | Should -BeFalse
    }
}

Describe 'New-VifibToken' {
    It 'returns a 32-character token stored in the DB' {
        New-VifibRegistry -Path "$TestDrive/tok" -Network 2001:db8:42::/48 | Out-Null
        $token = New-VifibToken -Db "$TestDrive/tok/registry.db" -Email ops@example.com
        $token.Token | Should -Match '^[A-Z2-7]{32}$'
        $token.Expires | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddHours(23))
    }

    It 'names a missing DB' {
        { New-VifibToken -Db "$TestDrive/none.db" } | Should -Throw -ErrorId 'NewVifibTokenDbUnavailable,Vifibnet.PowerShell.NewVifibTokenCommand'
    }
}

Describe 'Start-VifibRegistry' {
    It 'serves the CA as a job, logs each request, and stops on Stop-Job' {
        $net = New-VifibRegistry -Path "$TestDrive/serve" -Network 2001:db8:42::/48
        $port = Get-FreePort
        $job = Start-VifibRegistry -Port $port -Db $net.DbPath -Ca $net.CaPath -Key $net.KeyPath -LogLevel 2 -AsJob
        try {
            $deadline = (Get-Date).AddSeconds(30)
            while (-not ((Receive-Job $job -Keep) -match 'listening') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
            $ca4 = Invoke-RestMethod "http://127.0.0.1:$port/v1/ca"
            $ca6 = Invoke-RestMethod "http://[::1]:$port/v1/ca"
            $ca4.network | Should -Be '2001:db8:42::/48'
            $ca6.certificate | Should -Be $ca4.certificate
            Start-Sleep -Milliseconds 300
            (Receive-Job $job -Keep) -match 'GET /v1/ca -> 200' | Should -Not -BeNullOrEmpty
        }
        finally {
            Stop-Job $job
        }
        $job.State | Should -Be 'Stopped'
        { Invoke-RestMethod "http://127.0.0.1:$port/v1/ca" -TimeoutSec 2 } | Should -Throw
    }

    It 'names a missing CA file before starting anything, as a job or not' {
        $port = Get-FreePort
        { Start-VifibRegistry -Port $port -Db ':memory' -Ca "$TestDrive/missing.crt" -Key "$TestDrive/missing.key" -AsJob } |
            Should -Throw -ErrorId 'StartVifibRegistryCaUnreadable,Vifibnet.PowerShell.StartVifibRegistryCommand' -ExpectedMessage '*missing.crt*'
        { Start-VifibRegistry -Port $port -Db ':memory' -Ca "$TestDrive/missing.crt" -Key "$TestDrive/missing.key" } |
            Should -Throw -ErrorId 'StartVifibRegistryCaUnreadable,Vifibnet.PowerShell.StartVifibRegistryCommand'
    }
}
