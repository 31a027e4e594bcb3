# The registry cmdlets (New-VifibRegistry, New-VifibToken, Start-VifibRegistry) against the packaged module.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    Import-Module (Get-VifibModulePath) -Force
}

Describe 'New-VifibRegistry' {
    It 'creates ca.crt (serial carries the prefix), ca.key 0600 and registry.db' {
        $net = New-VifibRegistry -Path "$TestDrive/net" -Network 2001:db8:42::/48
        $net.Network | Should -Be '2001:db8:42::/48'
        $net.Serial | Should -Be '0x120010db80042'
        $net.DatabasePath | Should -Be "$TestDrive/net/registry.db"
        Test-Path $net.DatabasePath | Should -BeTrue
        (Get-Item $net.KeyPath).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'writes nothing with -WhatIf' {
        New-VifibRegistry -Path "$TestDrive/whatif" -Network 2001:db8:42::/48 -WhatIf
        Test-Path "$TestDrive/whatif/ca.crt" | Should -BeFalse
    }

    It 'refuses to replace a network without -Force, and with -Force only when confirmed' {
        $first = New-VifibRegistry -Path "$TestDrive/twice" -Network 2001:db8:42::/48
        $ca = Get-Content $first.CaPath -Raw
        New-VifibRegistry -Path "$TestDrive/twice" -Network 2001:db8:43::/48 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'NewVifibRegistryNetworkExists,Vifibnet.PowerShell.NewVifibRegistryCommand'
        # This pwsh is -NonInteractive: the confirmation cannot be given, so nothing is replaced.
        { New-VifibRegistry -Path "$TestDrive/twice" -Network 2001:db8:43::/48 -Force } | Should -Throw
        Get-Content $first.CaPath -Raw | Should -Be $ca
        (New-VifibRegistry -Path "$TestDrive/twice" -Network 2001:db8:43::/48 -Force -Confirm:$false).Network | Should -Be '2001:db8:43::/48'
        Get-Content $first.CaPath -Raw | Should -Not -Be $ca
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
    It 'returns a 32-character token stored in the DB, from a piped network' {
        $token = New-VifibRegistry -Path "$TestDrive/tok" -Network 2001:db8:42::/48 | New-VifibToken -Email ops@example.com
        $token.Token | Should -Match '^[A-Z2-7]{32}$'
        $token.Email | Should -Be 'ops@example.com'
        $token.Expires | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddHours(23))
    }

    It 'names a missing DB without stopping the other piped DBs' {
        $good = (New-VifibRegistry -Path "$TestDrive/good" -Network 2001:db8:42::/48).DatabasePath
        $tokens = @("$TestDrive/none.db", $good) | ForEach-Object { [pscustomobject]@{ DatabasePath = $_ } } |
            New-VifibToken -ErrorVariable failed -ErrorAction SilentlyContinue
        @($tokens).Count | Should -Be 1
        $tokens.DatabasePath | Should -Be $good
        $failed[0].FullyQualifiedErrorId | Should -Be 'NewVifibTokenDbUnavailable,Vifibnet.PowerShell.NewVifibTokenCommand'
        $failed[0].TargetObject | Should -Be "$TestDrive/none.db"
    }
}

Describe 'Start-VifibRegistry' {
    It 'serves the CA as a job from a piped network, logs each request, and stops on Stop-Job' {
        $port = Get-FreePort
        $job = New-VifibRegistry -Path "$TestDrive/serve" -Network 2001:db8:42::/48 | Start-VifibRegistry -Port $port -LogLevel 2 -AsJob
        try {
            $job.PSJobTypeName | Should -Be 'VifibRegistryJob'
            @(Get-Job -Id $job.Id).Count | Should -Be 1
            Wait-RegistryListening $job
            $ca4 = Invoke-RestMethod "http://127.0.0.1:$port/v1/ca"
            $ca6 = Invoke-RestMethod "http://[::1]:$port/v1/ca"
            $ca4.network | Should -Be '2001:db8:42::/48'
            $ca6.certificate | Should -Be $ca4.certificate
            Wait-Until { (Receive-Job $job -Keep) -match 'GET /v1/ca -> 200' } 'the request in the job output'
        }
        finally {
            Stop-Job $job
        }
        $job.State | Should -Be 'Stopped'
        { Invoke-RestMethod "http://127.0.0.1:$port/v1/ca" -TimeoutSec 2 } | Should -Throw
        Receive-Job $job -Wait -AutoRemoveJob | Out-Null
        Get-Job -Id $job.Id -ErrorAction Ignore | Should -BeNullOrEmpty
    }

    It 'names a missing CA file before starting anything, as a job or not' {
        $port = Get-FreePort
        { Start-VifibRegistry -Port $port -DatabasePath ':memory' -CaPath "$TestDrive/missing.crt" -KeyPath "$TestDrive/missing.key" -AsJob } |
            Should -Throw -ErrorId 'StartVifibRegistryCaUnreadable,Vifibnet.PowerShell.StartVifibRegistryCommand' -ExpectedMessage '*missing.crt*'
        Get-Job | Where-Object PSJobTypeName -eq 'VifibRegistryJob' | Where-Object State -eq Running | Should -BeNullOrEmpty
    }

    It 'starts nothing with -WhatIf' {
        $net = New-VifibRegistry -Path "$TestDrive/wi" -Network 2001:db8:42::/48
        $port = Get-FreePort
        $net | Start-VifibRegistry -Port $port -AsJob -WhatIf | Should -BeNullOrEmpty
        Get-ProcessByCommandLine $net.DatabasePath | Should -BeNullOrEmpty
    }

    It 'fails the job with the reason when the program cannot serve (port in use)' {
        $net = New-VifibRegistry -Path "$TestDrive/busy" -Network 2001:db8:42::/48
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::IPv6Any, 0)
        $listener.Server.DualMode = $true
        $listener.Start()
        try {
            $job = $net | Start-VifibRegistry -Port $listener.LocalEndpoint.Port -AsJob
            Wait-Until { $job.State -eq 'Failed' } 'the job to fail' 60
            $job.JobStateInfo.Reason.Message | Should -Match 'exited with code'
            $job.Error[0].FullyQualifiedErrorId | Should -Be 'StartVifibRegistryExited'
        }
        finally { $listener.Stop() }
    }
}
