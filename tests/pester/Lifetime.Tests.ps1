# Nothing the module starts outlives the PowerShell that started it: the registry program after a
# pipeline stopped downstream, a script that exits, and a pwsh killed outright.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    $script:module = Get-VifibModulePath
    Import-Module $module -Force
    $script:pwsh = Get-Pwsh
}

Describe 'The registry program' {
    BeforeEach {
        $script:net = New-VifibRegistry -Path "$TestDrive/net-$(Get-Random)" -Network 2001:db8:42::/48
        $script:port = Get-FreePort
    }

    It 'ends with a pipeline stopped downstream (Select-Object -First 1)' {
        $first = $net | Start-VifibRegistry -Port $port -LogLevel 1 | Select-Object -First 1
        $first | Should -Not -BeNullOrEmpty
        Get-ProcessByCommandLine $net.DatabasePath | Should -BeNullOrEmpty
        { Invoke-RestMethod "http://127.0.0.1:$port/v1/ca" -TimeoutSec 2 } | Should -Throw
    }

    It 'ends when a script exits with the registry job running' {
        $script = "Import-Module '$module'; `$j = Start-VifibRegistry -Port $port -DatabasePath '$($net.DatabasePath)' -CaPath '$($net.CaPath)' -KeyPath '$($net.KeyPath)' -AsJob; " +
            "`$d = (Get-Date).AddSeconds(30); while (-not ((Receive-Job `$j -Keep) -match 'listening') -and (Get-Date) -lt `$d) { Start-Sleep -m 200 }; (Invoke-RestMethod 'http://127.0.0.1:$port/v1/ca').network"
        $out = & $pwsh -NoProfile -NonInteractive -Command $script
        $out | Select-Object -Last 1 | Should -Be '2001:db8:42::/48'
        Get-ProcessByCommandLine $net.DatabasePath | Should -BeNullOrEmpty
    }

    It 'ends when the pwsh that started it is killed with SIGKILL' {
        $script = "Import-Module '$module'; Start-VifibRegistry -Port $port -DatabasePath '$($net.DatabasePath)' -CaPath '$($net.CaPath)' -KeyPath '$($net.KeyPath)'"
        $p = Start-Process $pwsh -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $script) -PassThru -RedirectStandardOutput "$TestDrive/out.txt"
        try {
            Wait-Until { @(Get-ProcessByCommandLine $net.DatabasePath | Where-Object Id -ne $p.Id).Count -gt 0 } 'the registry program to start'
            Stop-Process -Id $p.Id -Force
            Wait-Until { @(Get-ProcessByCommandLine $net.DatabasePath).Count -eq 0 } 'the registry program to end after its pwsh was killed' 20
        }
        finally { if (-not $p.HasExited) { $p.Kill($true) } }
    }
}
