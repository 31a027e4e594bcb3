# The network configuration from PowerShell against the packaged module: Get-VifibNetworkConfig shows it,
# Set-VifibNetworkConfig changes it (ShouldProcess), a real registry job serves it signed by the CA to a
# registered node, and bad values are refused by name with the DB unchanged.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    Import-Module (Get-VifibModulePath) -Force
    $script:net = New-VifibRegistry -Path "$TestDrive/net" -Network 2001:db8:42::/48
}

Describe 'Get-VifibNetworkConfig and Set-VifibNetworkConfig' {
    It 'shows an empty configuration of a new network' {
        $config = $net | Get-VifibNetworkConfig
        $config.Version | Should -Be 0
        $config.Hello | Should -BeNullOrEmpty
        @($config.BabelKeys).Count | Should -Be 0
    }

    It 'changes nothing with -WhatIf' {
        Set-VifibNetworkConfig -DatabasePath $net.DatabasePath -Hello 6 -WhatIf | Should -BeNullOrEmpty
        (Get-VifibNetworkConfig $net.DatabasePath).Version | Should -Be 0
    }

    It 'sets hello and a babel key, shown by name and never by value' {
        $config = Set-VifibNetworkConfig -DatabasePath $net.DatabasePath -Hello 6 -RefreshRate 0.1 -RotateBabelKey -KeyOverlap 60 -Confirm:$false
        $config.Version | Should -Be 1
        $config.Hello | Should -Be 6
        $config.RefreshRate | Should -Be 0.1
        @($config.BabelKeys).Count | Should -Be 1
        $config.BabelKeys[0] | Should -Match '^vifib1 from \d{4}-'
        ($config | Format-List | Out-String) | Should -Match 'Hello\s+: 6'
        (Get-VifibNetworkConfig $net.DatabasePath).Hello | Should -Be 6
    }

    It 'unsets a setting' {
        (Set-VifibNetworkConfig $net.DatabasePath -Unset hello -Confirm:$false).Hello | Should -BeNullOrEmpty
    }

    It 'refuses bad values by name and leaves the configuration as it was' {
        { Set-VifibNetworkConfig $net.DatabasePath -Hello 0 -Confirm:$false } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Vifibnet.PowerShell.SetVifibNetworkConfigCommand'
        { Set-VifibNetworkConfig $net.DatabasePath -Unset colour -Confirm:$false } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Vifibnet.PowerShell.SetVifibNetworkConfigCommand'
        Set-VifibNetworkConfig $net.DatabasePath -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'SetVifibNetworkConfigInvalidArgument,Vifibnet.PowerShell.SetVifibNetworkConfigCommand'
        Get-VifibNetworkConfig "$TestDrive/nowhere.db" -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -Be 'GetVifibNetworkConfigDbUnavailable,Vifibnet.PowerShell.GetVifibNetworkConfigCommand'
        (Get-VifibNetworkConfig $net.DatabasePath).Version | Should -Be 2
    }

    It 'is served by a registry job to a registered node, signed by the network CA' {
        $port = Get-FreePort
        $registry = $net | Start-VifibRegistry -Port $port -AsJob
        try {
            Wait-RegistryListening $registry
            $node = $net | New-VifibToken | Register-VifibNode ::1 $port -Path "$TestDrive/n1" -NoBoot
            Set-VifibNetworkConfig $net.DatabasePath -Hello 7 -Confirm:$false | Out-Null
            $ca = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content "$TestDrive/n1/ca.pem" -Raw))
            $cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content "$TestDrive/n1/cert.crt" -Raw))
            $key = [System.Security.Cryptography.RSA]::Create()
            $key.ImportFromPem((Get-Content "$TestDrive/n1/cert.key" -Raw))
            $client = [Vifibnet.Protocol.HttpRegistryClient]::new([uri]"http://[::1]:$port/", $cert, $key, $null, $null, $null)
            $message = $client.GetNetworkConfigAsync([System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
            $config = [Vifibnet.Certificates.SignedNetworkConfiguration]::new($message.Body, $message.Signature).Verify($ca)
            $config.Hello | Should -Be 7
            $config.Version | Should -Be 3
        }
        finally {
            $registry | Stop-Job
            $registry | Remove-Job
        }
    }
}
