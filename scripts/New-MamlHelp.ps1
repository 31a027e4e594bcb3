#!/usr/bin/env pwsh
# Writes the MAML help (the helpItems file Get-Help reads for a binary module) of the cmdlets in
# -Assembly from their XML doc comments (-DocFile), without platyPS. build.ps1's Package task runs it:
#   scripts/New-MamlHelp.ps1 -Assembly out/Vifibnet/Vifibnet.PowerShell.dll `
#       -DocFile out/Vifibnet/Vifibnet.PowerShell.xml -OutFile out/Vifibnet/en-US/Vifibnet.PowerShell.dll-Help.xml
#
# The command metadata (parameter sets, types, positions, pipeline binding, aliases, ValidateSet,
# OutputType) comes from PowerShell itself: a child pwsh imports the module (the manifest beside the
# assembly) and prints it as JSON, so this process neither loads nor locks the assembly.
#
# What each cmdlet class must carry (member T:Namespace.Class, parameters P:Namespace.Class.Property):
#   <summary>            the synopsis (one paragraph)                                     required
#   <remarks>            the description: <para> paragraphs or blank-line separated text  (else the synopsis)
#   <example>            one per example, in order: its <code> is the code, the rest of its
#                        text (<para>) the remarks; optional title="..." → "Example N: ..."  at least one
#   property <summary>   the parameter's description                                      required
#   <seealso cref="..."/> on the class: related links (a cmdlet class becomes its cmdlet name)
# Inline: <see cref="X"/> → X's short name (a cmdlet class → its cmdlet name), <c>x</c> → x,
# <paramref name="x"/> → x, <see langword="null"/> → null. Anything required that is missing fails
# the build, naming every gap at once.
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Assembly,
    [Parameter(Mandatory)] [string] $DocFile,
    [Parameter(Mandatory)] [string] $OutFile
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Assembly = (Resolve-Path -LiteralPath $Assembly).ProviderPath
$DocFile = (Resolve-Path -LiteralPath $DocFile).ProviderPath
$OutFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
$moduleDir = Split-Path $Assembly

# --- The module as PowerShell sees it, from a child pwsh --------------------------------------------

$manifest = Join-Path $moduleDir 'Vifibnet.psd1'
if (-not (Test-Path -LiteralPath $manifest)) {
    $others = @(Get-ChildItem -LiteralPath $moduleDir -Filter *.psd1 -File)
    $manifest = if ($others.Count -eq 1) { $others[0].FullName } else { $Assembly }
}

$probe = @'
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
trap { [Console]::Error.WriteLine($_.Exception.Message); exit 1 }
$module = Import-Module -Name $env:NEWMAMLHELP_MODULE -PassThru -Force
$common = [System.Management.Automation.PSCmdlet]::CommonParameters
function TypeInfo([type] $t) {
    $element = $t
    while ($element.IsArray) { $element = $element.GetElementType() }
    $underlying = [Nullable]::GetUnderlyingType($element)
    if ($underlying) { $element = $underlying }
    $short = { param([type] $x)
        $u = [Nullable]::GetUnderlyingType($x); if ($u) { $x = $u }
        if ($x.IsArray) { return (& $short $x.GetElementType()) + '[]' }
        if ($x.IsGenericType) { return ($x.Name -replace '`\d+$', '') + '[' + (($x.GetGenericArguments() | ForEach-Object { & $short $_ }) -join ',') + ']' }
        $x.Name }
    $full = { param([type] $x)
        $u = [Nullable]::GetUnderlyingType($x); if ($u) { $x = $u }
        if ($x.IsArray) { return (& $full $x.GetElementType()) + '[]' }
        if ($x.IsGenericType) { return ($x.Namespace + '.' + ($x.Name -replace '`\d+$', '')) + '[' + (($x.GetGenericArguments() | ForEach-Object { & $full $_ }) -join ',') + ']' }
        $x.FullName }
    [ordered]@{
        Name     = & $short $t
        FullName = & $full $t
        IsSwitch = $t -eq [System.Management.Automation.SwitchParameter]
        Enum     = if ($element.IsEnum) { @([Enum]::GetNames($element)) } else { @() }
    }
}
$PSStyle.OutputRendering = 'PlainText'
$broken = @()
$commands = foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $type = $command.ImplementingType
    # A cmdlet whose parameter metadata cannot be built (e.g. a parameter named like a common
    # parameter's alias) has no parameters here: build it again to get the reason.
    if ($null -eq $command.Parameters) { try { [void] $command.ResolveParameter('Verbose') } catch {
        $broken += "$($command.Name): $($_.Exception.GetBaseException().Message)"
    } }
    if ($null -eq $command.Parameters) { continue }
    $instance = $null
    try { $instance = [Activator]::CreateInstance($type) } catch { }
    $parameters = foreach ($p in $command.Parameters.Values) {
        if ($p.Name -in $common) { continue }
        $property = $type.GetProperty($p.Name)
        $default = $null
        if ($instance -and $property -and $property.CanRead) {
            try { $default = $property.GetValue($instance) } catch { }
        }
        $defaultText = if ($p.SwitchParameter) { 'False' }
            elseif ($null -eq $default -or "$default" -eq '' -or ($default -is [array] -and $default.Count -eq 0)) { 'None' }
            elseif ($default -is [array]) { $default -join ', ' }
            else { [string] $default }
        $validateSet = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } |
            ForEach-Object { $_.ValidValues })
        [ordered]@{
            Name          = $p.Name
            Type          = TypeInfo $p.ParameterType
            Aliases       = @($p.Aliases)
            ValidateSet   = $validateSet
            Globbing      = [bool] @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count
            DeclaringType = if ($property) { $property.DeclaringType.FullName } else { $type.FullName }
            Default       = $defaultText
            IsDynamic     = $p.IsDynamic
        }
    }
    $sets = foreach ($set in $command.ParameterSets) {
        [ordered]@{
            Name       = $set.Name
            IsDefault  = $set.IsDefault
            Parameters = @(foreach ($sp in $set.Parameters) {
                if ($sp.Name -in $common) { continue }
                [ordered]@{
                    Name                  = $sp.Name
                    Mandatory             = $sp.IsMandatory
                    Position              = $sp.Position
                    ByValue               = $sp.ValueFromPipeline
                    ByPropertyName        = $sp.ValueFromPipelineByPropertyName
                    ValueFromRemaining    = $sp.ValueFromRemainingArguments
                }
            })
        }
    }
    [ordered]@{
        Name          = $command.Name
        Verb          = $command.Verb
        Noun          = $command.Noun
        ClassName     = $type.FullName
        Parameters    = @($parameters)
        ParameterSets = @($sets)
        OutputType    = @($command.OutputType | ForEach-Object {
            if ($_.Type) { (TypeInfo $_.Type).FullName } else { $_.Name } } | Select-Object -Unique)
    }
}
if ($broken) { throw "PowerShell cannot build the parameters of:`n  $($broken -join "`n  ")" }
# Marked, so a warning or message the import prints cannot be mistaken for it.
'NEWMAMLHELP-JSON ' + (ConvertTo-Json -InputObject @($commands) -Depth 10 -Compress)
'@

# The pwsh running this script; installed as a .NET tool it is `dotnet pwsh.dll`.
$pwsh = (Get-Process -Id $PID).Path
$pwshArguments = @()
if ([System.IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $pwshArguments = @(Join-Path $PSHOME 'pwsh.dll') }
$env:NEWMAMLHELP_MODULE = $manifest
try {
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($probe))
    $childErrors = [System.Collections.Generic.List[string]]::new()
    $json = & $pwsh @pwshArguments -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand $encoded 2>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { $childErrors.Add("$_") } else { $_ }
    }
    $childExit = $LASTEXITCODE
} finally {
    Remove-Item Env:NEWMAMLHELP_MODULE -ErrorAction Ignore
}
if ($childExit -ne 0) { throw "reading the cmdlets of $manifest in a child pwsh failed (exit $childExit):`n$($childErrors -join "`n")" }
$line = @($json | Where-Object { "$_".StartsWith('NEWMAMLHELP-JSON ') })
if ($line.Count -ne 1) { throw "the child pwsh printed no cmdlet metadata: $($json -join "`n")" }
$commands = @($line[0].Substring('NEWMAMLHELP-JSON '.Length) | ConvertFrom-Json)
if ($commands.Count -eq 0) { throw "$manifest exports no cmdlets: no help to write" }
$cmdletByClass = @{}
foreach ($c in $commands) { $cmdletByClass[$c.ClassName.Replace('+', '.')] = $c.Name }

# --- The XML doc comments -----------------------------------------------------------------------------

Add-Type -AssemblyName System.Xml.Linq
$docs = @{}
# The module's other doc files (e.g. Core's) describe the output types.
foreach ($file in @($DocFile) + @(Get-ChildItem -LiteralPath (Split-Path $DocFile) -Filter *.xml -File |
        Where-Object FullName -ne $DocFile | ForEach-Object FullName)) {
    try { $xml = [System.Xml.Linq.XDocument]::Load($file) } catch { if ($file -eq $DocFile) { throw } else { continue } }
    if (-not $xml.Root -or $xml.Root.Name.LocalName -ne 'doc') { continue }
    foreach ($member in $xml.Root.Descendants('member')) {
        $name = $member.Attribute('name')
        if ($name -and -not $docs.ContainsKey($name.Value)) { $docs[$name.Value] = $member }
    }
}

# X's short name: the cmdlet name of a cmdlet class, else the last part of the member name without
# its prefix, parameters and generic arity (M:A.B.Run``1(System.Func{``0}) → Run).
function Get-CrefName([string] $cref) {
    $id = $cref -replace '^[A-Z]:', ''
    if ($cmdletByClass.ContainsKey($id)) { return $cmdletByClass[$id] }
    $id = ($id -replace '\(.*$', '') -replace '`+\d+', '' -replace '\{.*\}', ''
    $short = ($id -split '\.')[-1]
    if ($short -eq '#ctor') { $short = ($id -split '\.')[-2] }
    $short
}

function Format-Inline([string] $text) { ($text -replace '\s+', ' ').Trim() }

# Verbatim code: no common indentation, no leading or trailing blank lines.
function Format-Code([string] $text) {
    $lines = @($text -replace "`r", '' -split "`n")
    while ($lines.Count -and -not $lines[0].Trim()) { $lines = @($lines | Select-Object -Skip 1) }
    while ($lines.Count -and -not $lines[-1].Trim()) { $lines = @($lines | Select-Object -SkipLast 1) }
    $indents = @($lines | Where-Object { $_.Trim() } | ForEach-Object { $_.Length - $_.TrimStart().Length })
    $cut = if ($indents.Count) { ($indents | Measure-Object -Minimum).Minimum } else { 0 }
    ($lines | ForEach-Object { if ($_.Length -ge $cut) { $_.Substring($cut).TrimEnd() } else { $_.Trim() } }) -join "`n"
}

# The paragraphs of a doc element: <para> and blank-line separated text are paragraphs, <code> a
# verbatim paragraph, <list> items one paragraph each; inline tags become plain text.
# -Skip leaves out child elements by name (an example's <code>).
function Get-Paragraphs([System.Xml.Linq.XElement] $element, [string[]] $Skip = @()) {
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Text.StringBuilder]::new()
    $flush = {
        $text = Format-Inline $current.ToString()
        if ($text) { $paragraphs.Add($text) }
        [void] $current.Clear()
    }
    $inline = $null
    $inline = {
        param([System.Xml.Linq.XNode] $node)
        if ($node -is [System.Xml.Linq.XText]) { return $node.Value }
        if ($node -isnot [System.Xml.Linq.XElement]) { return '' }
        switch ($node.Name.LocalName) {
            'see' {
                if ($node.Attribute('cref')) { return Get-CrefName $node.Attribute('cref').Value }
                if ($node.Attribute('langword')) { return $node.Attribute('langword').Value }
                if ($node.Attribute('href')) { if ($node.Value) { return $node.Value } else { return $node.Attribute('href').Value } }
                return $node.Value
            }
            'seealso' { return '' }
            { $_ -in 'paramref', 'typeparamref' } { return $node.Attribute('name').Value }
            default { return (@($node.Nodes() | ForEach-Object { & $inline $_ }) -join '') }
        }
    }
    foreach ($node in $element.Nodes()) {
        if ($node -is [System.Xml.Linq.XText]) {
            $parts = $node.Value -split '\r?\n[ \t]*\r?\n'
            for ($i = 0; $i -lt $parts.Count; $i++) {
                if ($i -gt 0) { & $flush }
                [void] $current.Append($parts[$i])
            }
            continue
        }
        if ($node -isnot [System.Xml.Linq.XElement]) { continue }
        $name = $node.Name.LocalName
        if ($name -in $Skip) { continue }
        switch ($name) {
            'para' { & $flush; foreach ($p in Get-Paragraphs $node) { $paragraphs.Add($p) } }
            'code' { & $flush; $code = Format-Code $node.Value; if ($code) { $paragraphs.Add($code) } }
            'br' { & $flush }
            'list' {
                & $flush
                foreach ($item in $node.Elements('item')) {
                    $term = $item.Element('term'); $description = $item.Element('description')
                    $text = if ($term -and $description) {
                        (Format-Inline (& $inline $term)) + ': ' + (Format-Inline (& $inline $description))
                    } elseif ($description) { Format-Inline (& $inline $description) } else { Format-Inline (& $inline $item) }
                    if ($text) { $paragraphs.Add("- $text") }
                }
            }
            default { [void] $current.Append((& $inline $node)) }
        }
    }
    & $flush
    $paragraphs
}

function Get-Doc([string] $id, [string] $tag) {
    if (-not $docs.ContainsKey($id)) { return @() }
    $element = $docs[$id].Element($tag)
    if (-not $element) { return @() }
    Get-Paragraphs $element
}

# --- Help content per cmdlet, checked -------------------------------------------------------------

$whatIfConfirm = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}
$problems = [System.Collections.Generic.List[string]]::new()
$help = foreach ($c in $commands) {
    $class = $c.ClassName.Replace('+', '.')
    $synopsis = (@(Get-Doc "T:$class" 'summary') -join ' ')
    if (-not $synopsis) { $problems.Add("$($c.Name): no <summary> on $class (the synopsis)") }
    $description = @(Get-Doc "T:$class" 'remarks')
    if (-not $description.Count -and $synopsis) {
        Write-Warning "$($c.Name): no <remarks> on ${class}: the description repeats the synopsis"
        $description = @($synopsis)
    }
    $examples = @()
    if ($docs.ContainsKey("T:$class")) {
        $n = 0
        foreach ($example in $docs["T:$class"].Elements('example')) {
            $n++
            $code = (@($example.Descendants('code') | ForEach-Object { Format-Code $_.Value }) -join "`n")
            if (-not $code) { $problems.Add("$($c.Name): <example> $n on $class has no <code>"); continue }
            $title = "Example $n"
            if ($example.Attribute('title') -and $example.Attribute('title').Value.Trim()) {
                $title += ': ' + (Format-Inline $example.Attribute('title').Value)
            }
            $examples += [pscustomobject]@{ Title = $title; Code = $code; Remarks = @(Get-Paragraphs $example -Skip 'code') }
        }
    }
    if (-not $examples.Count) { $problems.Add("$($c.Name): no <example> with <code> on $class") }
    $parameters = foreach ($p in $c.Parameters) {
        $text = @()
        if ($whatIfConfirm.ContainsKey($p.Name)) { $text = @($whatIfConfirm[$p.Name]) }
        else {
            $declaring = $p.DeclaringType.Replace('+', '.')
            $text = @(Get-Doc "P:$declaring.$($p.Name)" 'summary')
            if (-not $text.Count) { $text = @(Get-Doc "P:$declaring.$($p.Name)" 'value') }
            if (-not $text.Count) { $problems.Add("$($c.Name): parameter -$($p.Name) has no <summary> (P:$declaring.$($p.Name))") }
        }
        $p | Add-Member -NotePropertyName Description -NotePropertyValue $text -PassThru
    }
    $related = @()
    if ($docs.ContainsKey("T:$class")) {
        $related = @($docs["T:$class"].Elements('seealso') | ForEach-Object {
                if ($_.Attribute('cref')) { Get-CrefName $_.Attribute('cref').Value }
                elseif ($_.Attribute('href')) { $_.Attribute('href').Value } })
    }
    [pscustomobject]@{
        Command = $c; Synopsis = $synopsis; Description = $description; Examples = $examples
        Parameters = @($parameters); Related = $related
    }
}
if ($problems.Count) {
    foreach ($problem in $problems) { Write-Host "help: MISSING $problem" }
    throw ("help for $(Split-Path -Leaf $Assembly) is incomplete ($($problems.Count) gap(s)); fix the XML doc comments: " +
        ($problems -join '; '))
}

# --- MAML ---------------------------------------------------------------------------------------------

$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
$aboutTopics = @()
$outDir = Split-Path $OutFile
if (Test-Path -LiteralPath $outDir) {
    $aboutTopics = @(Get-ChildItem -LiteralPath $outDir -Filter 'about_*.help.txt' -File | ForEach-Object { $_.Name -replace '\.help\.txt$', '' })
}
[void] (New-Item -ItemType Directory -Force -Path $outDir)

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$w = [System.Xml.XmlWriter]::Create($OutFile, $settings)

function Write-Element([string] $prefix, [string] $name, [string] $value) {
    $w.WriteStartElement($prefix, $name, $ns[$prefix]); $w.WriteString($value); $w.WriteEndElement()
}
function Write-Paras([string] $prefix, [string] $name, [string[]] $paragraphs) {
    $w.WriteStartElement($prefix, $name, $ns[$prefix])
    if (-not $paragraphs) { $paragraphs = @('') }
    foreach ($p in $paragraphs) { Write-Element maml para $p }
    $w.WriteEndElement()
}
function Get-PipelineInput($setParameter) {
    $how = @()
    if ($setParameter.ByPropertyName) { $how += 'ByPropertyName' }
    if ($setParameter.ByValue) { $how += 'ByValue' }
    if ($how) { "True ($($how -join ', '))" } else { 'False' }
}
function Get-Position($setParameter) {
    if ($setParameter.Position -lt 0) { 'named' } else { [string] $setParameter.Position }
}
# One command:parameter; $set is its entry in a parameter set (required, position, pipeline).
function Write-Parameter($parameter, $set, [switch] $InSyntax) {
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', $(if ($set.Mandatory) { 'true' } else { 'false' }))
    $w.WriteAttributeString('variableLength', 'true')
    $w.WriteAttributeString('globbing', $(if ($parameter.Globbing) { 'true' } else { 'false' }))
    $w.WriteAttributeString('pipelineInput', (Get-PipelineInput $set))
    $w.WriteAttributeString('position', (Get-Position $set))
    $w.WriteAttributeString('aliases', $(if ($parameter.Aliases) { $parameter.Aliases -join ', ' } else { 'none' }))
    Write-Element maml name $parameter.Name
    Write-Paras maml description $parameter.Description
    $values = @($parameter.ValidateSet) + @($parameter.Type.Enum) | Select-Object -Unique
    if ($InSyntax -and $values) {
        $w.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $values) {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'false')
            $w.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $w.WriteString([string] $v)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if (-not $parameter.Type.IsSwitch) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', 'true')
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($parameter.Type.Name)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    Write-Element maml name $parameter.Type.Name
    $w.WriteStartElement('maml', 'uri', $ns.maml); $w.WriteEndElement()
    $w.WriteEndElement()
    # A mandatory parameter's initial value is never used.
    Write-Element dev defaultValue $(if ($set.Mandatory) { 'None' } else { $parameter.Default })
    $w.WriteEndElement()
}

# A set's parameters in the order a reader types them: positional, mandatory, the rest; WhatIf/Confirm last.
function Get-SyntaxOrder($setParameters) {
    $order = @($setParameters | ForEach-Object Name)
    $setParameters | Sort-Object @{ Expression = { $_.Name -in 'WhatIf', 'Confirm' } },
        @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } },
        @{ Expression = { -not $_.Mandatory } }, @{ Expression = { $order.IndexOf($_.Name) } }
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', $ns.msh)
$w.WriteAttributeString('schema', 'maml')
foreach ($h in $help) {
    $c = $h.Command
    $byName = @{}; foreach ($p in $h.Parameters) { $byName[$p.Name] = $p }
    $w.WriteStartElement('command', 'command', $ns.command)
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') {
        $w.WriteAttributeString('xmlns', $prefix, 'http://www.w3.org/2000/xmlns/', $ns[$prefix])
    }
    $w.WriteStartElement('command', 'details', $ns.command)
    Write-Element command name $c.Name
    Write-Element command verb $c.Verb
    Write-Element command noun $c.Noun
    Write-Paras maml description @($h.Synopsis)
    $w.WriteEndElement()
    Write-Paras maml description $h.Description

    # Syntax: one item per parameter set, the default set first.
    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in @($c.ParameterSets | Sort-Object @{ Expression = { -not $_.IsDefault } })) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        Write-Element maml name $c.Name
        foreach ($sp in Get-SyntaxOrder $set.Parameters) { Write-Parameter $byName[$sp.Name] $sp -InSyntax }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Parameters: each once, required only if mandatory in every set it is in, its position and
    # pipeline binding from the default set (else its first).
    $w.WriteStartElement('command', 'parameters', $ns.command)
    $sets = @($c.ParameterSets | Sort-Object @{ Expression = { -not $_.IsDefault } })
    foreach ($p in $h.Parameters | Sort-Object @{ Expression = { $_.Name -in 'WhatIf', 'Confirm' } }, Name) {
        $entries = @(foreach ($s in $sets) { $s.Parameters | Where-Object Name -eq $p.Name })
        if (-not $entries.Count) { continue }
        $merged = [pscustomobject]@{
            Mandatory      = -not @($entries | Where-Object { -not $_.Mandatory }).Count
            Position       = $entries[0].Position
            ByValue        = [bool] @($entries | Where-Object ByValue).Count
            ByPropertyName = [bool] @($entries | Where-Object ByPropertyName).Count
        }
        Write-Parameter $p $merged
    }
    $w.WriteEndElement()

    # Input: what binds from the pipeline.
    $w.WriteStartElement('command', 'inputTypes', $ns.command)
    $inputs = @()
    foreach ($p in $h.Parameters) {
        $entries = @(foreach ($s in $c.ParameterSets) { $s.Parameters | Where-Object Name -eq $p.Name })
        if (@($entries | Where-Object ByValue).Count) {
            $inputs += [pscustomobject]@{ Type = $p.Type.FullName; Text = "You can pipe a $($p.Type.Name) to -$($p.Name)." }
        }
    }
    $byProperty = @($h.Parameters | Where-Object {
            $n = $_.Name; @(foreach ($s in $c.ParameterSets) { $s.Parameters | Where-Object { $_.Name -eq $n -and $_.ByPropertyName } }).Count
        } | ForEach-Object Name)
    if ($byProperty) {
        $inputs += [pscustomobject]@{
            Type = 'System.Management.Automation.PSObject'
            Text = "Objects with a property named like a parameter ($(($byProperty | ForEach-Object { "-$_" }) -join ', ')), " +
                'such as the output of another Vifibnet cmdlet, bind to it by property name.'
        }
    }
    if (-not $inputs) { $inputs = @([pscustomobject]@{ Type = 'None'; Text = 'This cmdlet takes no pipeline input.' }) }
    foreach ($i in $inputs) {
        $w.WriteStartElement('command', 'inputType', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); Write-Element maml name $i.Type; $w.WriteEndElement()
        Write-Paras maml description @($i.Text)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Output: the OutputType attributes, described by the type's own summary when documented.
    $w.WriteStartElement('command', 'returnValues', $ns.command)
    $outputs = @($c.OutputType)
    if (-not $outputs) { $outputs = @('None') }
    foreach ($o in $outputs) {
        $w.WriteStartElement('command', 'returnValue', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); Write-Element maml name $o; $w.WriteEndElement()
        Write-Paras maml description @(Get-Doc "T:$($o -replace '\[\]$', '')" 'summary')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $ns.command)
    foreach ($e in $h.Examples) {
        $w.WriteStartElement('command', 'example', $ns.command)
        Write-Element maml title ("-------------------------- $($e.Title) --------------------------")
        Write-Element dev code $e.Code
        # The empty last paragraph is the blank line Get-Help shows before the next example.
        Write-Paras dev remarks (@($e.Remarks) + @(''))
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in @($h.Related) + $aboutTopics | Select-Object -Unique) {
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
        Write-Element maml linkText $link
        $w.WriteStartElement('maml', 'uri', $ns.maml); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement() # command:command
    Write-Host ("help: {0} ({1} parameter(s), {2} parameter set(s), {3} example(s))" -f $c.Name,
        $h.Parameters.Count, @($c.ParameterSets).Count, $h.Examples.Count)
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Flush()
$w.Dispose()
Write-Host "help written to $OutFile ($($help.Count) cmdlet(s))"
