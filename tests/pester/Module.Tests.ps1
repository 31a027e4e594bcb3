# The module as a user gets it: loading (twice), what the package holds, output types and their
# views, tab completion, and how failures reach scripts.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    $script:module = Get-VifibModulePath
    Import-Module $module -Force
    $script:moduleDir = Split-Path $module
}

Describe 'Loading the module' {
    It 'opens SQLite from the module folder, also after Import-Module -Force twice' {
        Import-Module $module -Force
        Import-Module $module -Force
        $net = New-VifibRegistry -Path "$TestDrive/net" -Network 2001:db8:42::/48
        ($net | New-VifibToken).Token | Should -Match '^[A-Z2-7]{32}$'
    }

    It 'opens SQLite in a fresh pwsh (no earlier load to lean on)' {
        $out = & (Get-Pwsh) -NoProfile -NonInteractive -Command "Import-Module '$module'; (New-VifibRegistry -Path '$TestDrive/fresh' -Network 2001:db8:42::/48 | New-VifibToken).Token.Length"
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be 32
    }
}

Describe 'The package' {
    It 'ships one Linux runtime and no foreign runtime folders' {
        Test-Path (Join-Path $moduleDir 'runtimes') | Should -BeFalse
        Test-Path (Join-Path $moduleDir 'libe_sqlite3.so') | Should -BeTrue
    }

    It 'ships a vifibnet program that runs without any .NET installed' {
        $program = Join-Path $moduleDir 'bin/vifibnet'
        # env -i: no PATH, no DOTNET_ROOT; a framework-dependent program would not find a runtime.
        $help = & env -i $program --help 2>&1
        $LASTEXITCODE | Should -Be 0
        ($help -join "`n") | Should -Match 'registry'
    }

    It 'exports every cmdlet of the assembly, each building its parameters in this runspace' {
        $commands = Get-Command -Module Vifibnet
        $commands.Name | Should -Contain 'Start-VifibNode'
        @($commands).Count | Should -Be 14
        foreach ($c in $commands) { $c.Parameters.Count | Should -BeGreaterThan 0 -Because $c.Name }
    }

    It 'calls a node directory -Path on every node cmdlet' -ForEach @(
        'Register-VifibNode', 'Get-VifibNodeIdentity', 'Start-VifibNode', 'Get-VifibTunnel', 'Get-VifibNodeStatus', 'Update-VifibPeers', 'Update-VifibCertificate'
    ) {
        (Get-Command $_).Parameters.Keys | Should -Contain 'Path'
        (Get-Command $_).Parameters.Keys | Should -Not -Contain 'State'
    }
}

Describe 'Output objects' {
    It 'every output type of every cmdlet has a format view' {
        $types = Get-Command -Module Vifibnet | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_ -ne [string] -and -not [System.Management.Automation.Job].IsAssignableFrom($_) }
        $types.Count | Should -BeGreaterThan 5
        foreach ($t in $types) { Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty -Because "$($t.FullName) needs a view" }
    }

    It 'a network serialises its prefix as text' {
        $json = New-VifibRegistry -Path "$TestDrive/json" -Network 2001:db8:42::/48 | ConvertTo-Json | ConvertFrom-Json
        $json.Network | Should -Be '2001:db8:42::/48'
        $json.DatabasePath | Should -Be "$TestDrive/json/registry.db"
    }

    It 'formats a network with its view, not as a property bag' {
        $text = New-VifibRegistry -Path "$TestDrive/fmt" -Network 2001:db8:42::/48 | Out-String
        $text | Should -Match '2001:db8:42::/48'
        $text | Should -Not -Match 'System\.'
    }
}

Describe 'Tab completion' {
    It 'completes <Parameter> to its values, not to file names' -ForEach @(
        @{ Parameter = '-Pp'; Line = 'Start-VifibNode -Pp '; Expected = '1194/udp' }
        @{ Parameter = '-LogLevel'; Line = 'Start-VifibNode -LogLevel '; Expected = '5' }
        @{ Parameter = '-LogLevel of the registry'; Line = 'Start-VifibRegistry -LogLevel '; Expected = '2' }
    ) {
        Push-Location $TestDrive
        try {
            New-Item -ItemType File "$TestDrive/some-file.txt" -Force | Out-Null
            $results = (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        }
        finally { Pop-Location }
        $results | Should -Contain $Expected
        $results | Should -Not -Contain './some-file.txt'
    }
}

Describe 'Endpoints' {
    It 'accepts <Form>' -ForEach @(
        @{ Form = 'the compact -Ip and -Pp'; Ip = '198.51.100.7:1194/udp'; Pp = '1194/udp' }
        @{ Form = 'an IPv6 -Ip in brackets'; Ip = '[2001:db8::7]:1194/udp'; Pp = '1194/udp6' }
        @{ Form = "the seed's words"; Ip = '198.51.100.7 1194 udp'; Pp = '1194 udp' }
    ) {
        New-TestNode "$TestDrive/ep"
        Start-VifibNode -Path "$TestDrive/ep" -Ip $Ip -Pp $Pp -WhatIf -InformationVariable info 6>$null
        $? | Should -BeTrue
    }

    It 'names a bad endpoint' {
        { Start-VifibNode -Path "$TestDrive/ep2" -Ip '198.51.100.7:1194' -WhatIf } |
            Should -Throw -ErrorId 'StartVifibNodeInvalidOption,Vifibnet.PowerShell.StartVifibNodeCommand' -ExpectedMessage '*ADDRESS:PORT/PROTO*'
    }
}

Describe 'Failures in scripts' {
    # PowerShell's own rule: a cmdlet's error stops a script (and makes pwsh -File exit non-zero) when
    # the script asks for it with $ErrorActionPreference = 'Stop', as provisioning scripts should.
    It 'a failed <Name> stops a script with ErrorActionPreference Stop, and pwsh -File exits non-zero' -ForEach @(
        @{ Name = 'New-VifibRegistry'; Command = "New-VifibRegistry -Path 'DIR/x' -Network 198.51.100.0/24" }
        @{ Name = 'Start-VifibNode'; Command = "Start-VifibNode -Path 'DIR/nocert'" }
        @{ Name = 'Register-VifibNode'; Command = "Register-VifibNode -Server 127.0.0.1 -Port 1 -Path 'DIR/y' -Token X" }
        @{ Name = 'Get-VifibNodeStatus (per item)'; Command = "Get-VifibNodeStatus -Path 'DIR/none'" }
    ) {
        Set-Content "$TestDrive/fail.ps1" "`$ErrorActionPreference = 'Stop'`nImport-Module '$module'`n$($Command.Replace('DIR', $TestDrive))`n'not reached'"
        $out = & (Get-Pwsh) -NoProfile -NonInteractive -File "$TestDrive/fail.ps1" 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        ($out -join "`n") | Should -Not -Match 'not reached'
    }

    It 'a failed registration ends its statement: the next one in the script does not run' {
        Set-Content "$TestDrive/stmt.ps1" "Import-Module '$module'`nRegister-VifibNode -Server 127.0.0.1 -Port 1 -Path '$TestDrive/z' -Token X | ForEach-Object { 'not reached' }"
        $out = & (Get-Pwsh) -NoProfile -NonInteractive -File "$TestDrive/stmt.ps1" 2>&1
        ($out -join "`n") | Should -Match 'RegistryUnreachable|cannot reach|unreachable'
        ($out -join "`n") | Should -Not -Match 'not reached'
    }

    It '-ErrorAction SilentlyContinue silences a per-item failure' {
        $result = Get-VifibNodeStatus -Path "$TestDrive/nonode" -ErrorAction SilentlyContinue -ErrorVariable failed
        $result | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'GetVifibNodeStatusNodeNotRunning,Vifibnet.PowerShell.GetVifibNodeStatusCommand'
    }
}
