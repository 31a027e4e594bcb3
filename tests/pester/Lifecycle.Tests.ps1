# Renewal and revocation from PowerShell against the packaged module and a real registry job on
# loopback: Update-VifibCertificate renews a node's certificate (same prefix, new serial),
# Revoke-VifibNode (ConfirmImpact High) revokes it, after which renewal is refused by name.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    Import-Module (Get-VifibModulePath) -Force
    $script:net = New-VifibRegistry -Path "$TestDrive/net" -Network 2001:db8:42::/48
    $script:port = Get-FreePort
    $script:registry = $net | Start-VifibRegistry -Port $port -AsJob
    Wait-RegistryListening $registry
    $script:node = $net | New-VifibToken | Register-VifibNode ::1 $port -Path "$TestDrive/n1" -NoBoot
    $script:url = "http://[::1]:$port"
}

AfterAll {
    $registry | Stop-Job
    $registry | Remove-Job
}

Describe 'Update-VifibCertificate' {
    It 'renews a stopped node: same prefix, a new serial, valid longer' {
        $before = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content "$TestDrive/n1/cert.crt" -Raw))
        $renewed = $node | Update-VifibCertificate -Registry $url
        $renewed.Prefix | Should -Be $node.Prefix
        $renewed.Serial | Should -Not -Be $before.SerialNumber
        $after = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content "$TestDrive/n1/cert.crt" -Raw))
        $after.SerialNumber | Should -Be $renewed.Serial
        $after.Subject | Should -Be $before.Subject
        $renewed.NextRenewal | Should -BeLessThan $renewed.NotAfter
    }

    It 'changes nothing with -WhatIf' {
        $file = Get-Content "$TestDrive/n1/cert.crt" -Raw
        Update-VifibCertificate -Path "$TestDrive/n1" -Registry $url -WhatIf
        Get-Content "$TestDrive/n1/cert.crt" -Raw | Should -Be $file
    }

    It 'says which node is not set up' {
        Update-VifibCertificate -Path "$TestDrive/nowhere" -Registry $url -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'UpdateVifibCertificateNotSetUp,Vifibnet.PowerShell.UpdateVifibCertificateCommand'
    }
}

Describe 'Revoke-VifibNode' {
    It 'is ConfirmImpact High: without -Confirm:$false in a non-interactive pwsh nothing is revoked' {
        (Get-Command Revoke-VifibNode).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'High'
        { Revoke-VifibNode -DatabasePath $net.DatabasePath -Node $node.Prefix } | Should -Throw
        Revoke-VifibNode -DatabasePath $net.DatabasePath -Node $node.Prefix -WhatIf | Should -BeNullOrEmpty
        # Not revoked: the node still renews.
        ($node | Update-VifibCertificate -Registry $url).Prefix | Should -Be $node.Prefix
    }

    It 'names an unknown node and revokes a known one, which then cannot renew' {
        Revoke-VifibNode -DatabasePath $net.DatabasePath -Node 9/16 -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'RevokeVifibNodeUnknownNode,Vifibnet.PowerShell.RevokeVifibNodeCommand'

        $revoked = Revoke-VifibNode -DatabasePath $net.DatabasePath -Node $node.Prefix -Confirm:$false
        $revoked.Prefix | Should -Be $node.Prefix
        @($revoked.Serials).Count | Should -BeGreaterOrEqual 1

        $node | Update-VifibCertificate -Registry $url -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -Be 'UpdateVifibCertificateRenewalRefused,Vifibnet.PowerShell.UpdateVifibCertificateCommand'
        $refused[0].Exception.Message | Should -Match 'certificate_revoked'

        Revoke-VifibNode $net.DatabasePath $node.Prefix -Confirm:$false -ErrorVariable again -ErrorAction SilentlyContinue
        $again[0].FullyQualifiedErrorId | Should -Be 'RevokeVifibNodeAlreadyRevoked,Vifibnet.PowerShell.RevokeVifibNodeCommand'
    }
}
