# The registry over TLS through the cmdlets: Start-VifibRegistry -Tls serves HTTPS with a certificate from the
# network's CA; Register-VifibNode -Tls checks it against the pinned CA (New-VifibToken pipes the fingerprint)
# before the token is sent. Attacked: another network's TLS registry, and a plain-HTTP one.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    Import-Module (Get-VifibModulePath) -Force
    $script:port = Get-FreePort
    $script:net = New-VifibRegistry -Path "$TestDrive/net" -Network 2001:db8:42::/48
    $script:job = $net | Start-VifibRegistry -Port $port -Tls -AsJob
    $script:otherPort = Get-FreePort
    $script:other = New-VifibRegistry -Path "$TestDrive/other" -Network 2001:db8:43::/48
    $script:otherJob = $other | Start-VifibRegistry -Port $otherPort -Tls -AsJob
    $script:plainPort = Get-FreePort
    $script:plainJob = $net | Start-VifibRegistry -Port $plainPort -AsJob
    Wait-RegistryListening $job
    Wait-RegistryListening $otherJob
    Wait-RegistryListening $plainJob
}

AfterAll {
    Stop-Job $job, $otherJob, $plainJob
    Remove-Job $job, $otherJob, $plainJob
}

Describe 'Start-VifibRegistry -Tls and Register-VifibNode -Tls' {
    It 'serves TLS only and registers a node with the CA pinned' {
        (Receive-Job $job -Keep) -match 'TLS only' | Should -Not -BeNullOrEmpty
        $result = $net | New-VifibToken | Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/node" -Tls -NoBoot
        $result.Stage | Should -Be 'Complete'
        $result.Registry | Should -Be "https://127.0.0.1:$port/"
        openssl verify -CAfile "$TestDrive/node/ca.pem" "$TestDrive/node/cert.crt" | Should -Match ': OK'
    }

    It 'refuses another network''s TLS registry before sending the token, and writes nothing' {
        { $net | New-VifibToken | Register-VifibNode -Server 127.0.0.1 -Port $otherPort -Path "$TestDrive/fooled" -Tls -NoBoot } |
            Should -Throw -ErrorId 'RegisterVifibNodeCaFingerprintMismatch,Vifibnet.PowerShell.RegisterVifibNodeCommand'
        Test-Path "$TestDrive/fooled" | Should -BeFalse
    }

    It 'refuses a plain HTTP registry when -Tls is asked' {
        $err = { $net | New-VifibToken | Register-VifibNode -Server 127.0.0.1 -Port $plainPort -Path "$TestDrive/plain" -Tls -NoBoot } |
            Should -Throw -ErrorId 'RegisterVifibNodeRegistryUnreachable,Vifibnet.PowerShell.RegisterVifibNodeCommand' -PassThru
        $err.Exception.Message | Should -Match 'did not complete a TLS handshake'
        Test-Path "$TestDrive/plain" | Should -BeFalse
    }

    It 'refuses -Tls with nothing to check the registry against' {
        { Register-VifibNode -Server 127.0.0.1 -Port $port -Path "$TestDrive/unpinned" -Token 'X' -Tls } |
            Should -Throw -ErrorId 'RegisterVifibNodeInvalidOption,Vifibnet.PowerShell.RegisterVifibNodeCommand'
    }
}
