# Pester 5: the module as a gallery serves it. build.ps1 -Task Publish puts the package in a folder
# repository (out/psrepo); a user registers that folder, installs Vifibnet with Install-PSResource and
# uses it by name in a fresh pwsh. Everything a user's profile would keep (the repository list, the
# installed module) lives under a HOME in $TestDrive, so this machine's own pwsh is left as it was.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'VifibTestUtils.psm1') -Force
    $repo = Join-Path $PSScriptRoot '../../out/psrepo'
    $version = (Get-Content (Join-Path $PSScriptRoot '../../VERSION')).Trim()
    $userHome = Join-Path $TestDrive 'home'
    New-Item -ItemType Directory $userHome | Out-Null
    # A pwsh as a user starts it, with that HOME: -NoProfile, the script given on stdin-free -Command.
    function Invoke-UserPwsh([string] $Script) {
        $info = [System.Diagnostics.ProcessStartInfo]::new((Get-Pwsh))
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "`$ErrorActionPreference = 'Stop'; $Script") { $info.ArgumentList.Add($a) }
        $info.Environment['HOME'] = $userHome
        foreach ($v in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath') { $info.Environment.Remove($v) | Out-Null }
        $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($info)
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $out; Error = $err.Result }
    }
}

Describe 'The module package (build.ps1 -Task Publish)' {
    It 'is a nupkg with the version of VERSION in a folder repository' {
        $packages = @(Get-ChildItem $repo -Filter 'Vifibnet.*.nupkg')
        $packages.Name | Should -Be "Vifibnet.$version.nupkg" -Because 'build.ps1 -Task Publish runs before this suite (scripts/test.sh)'
    }

    It 'installs with Install-PSResource from the registered folder, and a fresh pwsh uses it by name' {
        $install = Invoke-UserPwsh @"
Register-PSResourceRepository -Name VifibLocal -Uri '$repo' -Trusted
Install-PSResource Vifibnet -Repository VifibLocal -Scope CurrentUser
(Get-InstalledPSResource Vifibnet).Version.ToString()
"@
        $install.ExitCode | Should -Be 0 -Because $install.Error
        $install.Out.Trim() | Should -Be $version

        $net = Join-Path $TestDrive 'net'
        $use = Invoke-UserPwsh @"
Import-Module Vifibnet
`$m = Get-Module Vifibnet
`$net = New-VifibRegistry -Path '$net' -Network 2001:db8:42::/48
`$token = `$net | New-VifibToken
(Get-Help New-VifibRegistry).Synopsis
"module `$(`$m.Version) at `$(`$m.ModuleBase)"
"network `$(`$net.Network)"
"token `$(`$token.Token.Length)"
"@
        $use.ExitCode | Should -Be 0 -Because $use.Error
        $use.Out | Should -Match "module $([regex]::Escape($version)) at $([regex]::Escape($userHome))/\.local/share/powershell/Modules/Vifibnet"
        $use.Out | Should -Match 'network 2001:db8:42::/48'
        $use.Out | Should -Match 'token \d{2,}'
        ($use.Out -split "`n")[0].Trim().Length | Should -BeGreaterThan 10 -Because 'Get-Help gives the cmdlet''s synopsis'
        Test-Path (Join-Path $net 'ca.key') | Should -BeTrue
    }

    It 'carries what a gallery shows' {
        $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../Vifibnet.psd1')
        $manifest.ModuleVersion | Should -Be $version
        $manifest.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        $manifest.PrivateData.PSData.Tags | Should -Contain 'Linux'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }
}
