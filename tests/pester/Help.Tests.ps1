# Pester 5 tests for the module's help, against the packaged module (build.ps1 -Task Pester): the MAML
# that scripts/New-MamlHelp.ps1 makes from the cmdlets' XML doc comments, and about_Vifibnet.
BeforeDiscovery {
    $module = $env:VIFIBNET_MODULE
    if (-not $module) { $module = Join-Path $PSScriptRoot '../../out/Vifibnet/Vifibnet.psd1' }
    Import-Module $module -Force
    $cmdlets = @(Get-Command -Module Vifibnet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $module = $env:VIFIBNET_MODULE
    if (-not $module) { $module = Join-Path $PSScriptRoot '../../out/Vifibnet/Vifibnet.psd1' }
    Import-Module $module -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters +
        [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'The module' {
    It 'exports cmdlets' {
        @(Get-Command -Module Vifibnet).Count | Should -BeGreaterThan 0
    }

    # A cmdlet whose parameter metadata cannot be built (a parameter named like a common parameter's
    # alias: ParameterNameConflictsWithAlias, ...) imports fine and fails only when used or documented.
    It 'builds every cmdlet''s parameter metadata in a real runspace' {
        $names = @(Get-Command -Module Vifibnet | ForEach-Object Name)
        $names.Count | Should -BeGreaterThan 0
        $failures = foreach ($name in $names) {
            try {
                if ($null -eq (Get-Command $name -ErrorAction Stop).Parameters) {
                    # Parameters is null when the metadata fails: ResolveParameter says why.
                    $null = (Get-Command $name).ResolveParameter('Verbose')
                    "${name}: no parameter metadata"
                }
                $null = Get-Command $name -Syntax -ErrorAction Stop
                $null = Get-Help $name -ErrorAction Stop
            } catch { "${name}: $($_.Exception.GetBaseException().Message)" }
        }
        $failures | Should -BeNullOrEmpty
    }
}

Describe 'Get-Help <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full -ErrorAction Stop
        $parameters = @((Get-Command $Name).Parameters.Values | Where-Object Name -NotIn $common)
    }

    It 'has a synopsis, not the syntax line' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -BeLike "$Name*"
    }

    It 'has a description' {
        ($help.description | ForEach-Object Text) -join "`n" | Should -Not -BeNullOrEmpty
    }

    It 'has an example that runs it' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        @($examples | Where-Object { $_.code -match [regex]::Escape($Name) }).Count | Should -BeGreaterThan 0
    }

    It 'describes every parameter' {
        foreach ($parameter in $parameters) {
            $entry = @($help.parameters.parameter | Where-Object Name -EQ $parameter.Name)
            $entry.Count | Should -Be 1 -Because "-$($parameter.Name) is in the help"
            ($entry[0].description | ForEach-Object Text) -join "`n" |
                Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
        }
    }
}

Describe 'about_Vifibnet' {
    It 'is found and names every cmdlet' {
        $text = Get-Help about_Vifibnet -ErrorAction Stop | Out-String
        $text | Should -Match 'about_Vifibnet'
        foreach ($name in @(Get-Command -Module Vifibnet | ForEach-Object Name)) {
            $text | Should -Match "\b$([regex]::Escape($name))\b" -Because "about_Vifibnet should mention $name"
        }
    }
}
