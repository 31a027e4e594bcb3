@{
    RootModule           = 'Vifibnet.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b8f5e-3c1d-4a52-9a47-1f2f4b9d6c21'
    Author               = 'Vifibnet'
    Description          = 'Vifibnet: a resilient IPv6 overlay network (registry, node setup, daemon) as binary cmdlets.'
    # The cmdlets target .NET 8 (PowerShell 7.4+); bin/vifibnet, which Start-VifibRegistry runs, is self-contained.
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Exactly the cmdlet classes of Vifibnet.PowerShell.dll (checked by tests/Vifibnet.Tests/PowerShell/ManifestTests.cs).
    CmdletsToExport      = @(
        'Get-VifibNodeIdentity'
        'New-VifibRegistry'
        'New-VifibToken'
        'Register-VifibNode'
        'Start-VifibRegistry'
        'Start-VifibNode'
        'Get-VifibTunnel'
        'Get-VifibNodeStatus'
        'Update-VifibPeers'
        'Revoke-VifibNode'
        'Update-VifibCertificate'
        'Get-VifibPeer'
        'Get-VifibNetworkConfig'
        'Set-VifibNetworkConfig'
    )
    FormatsToProcess     = @('Vifibnet.Format.ps1xml')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    # No ProjectUri or LicenseUri: the project has no public address and no licence chosen yet.
    PrivateData          = @{
        PSData = @{
            Tags         = @('VPN', 'IPv6', 'overlay', 'babel', 'openvpn', 'Linux', 'PSEdition_Core')
            ReleaseNotes = '0.1.0: first package. Nine cmdlets (New-VifibRegistry, New-VifibToken, Start-VifibRegistry, Register-VifibNode, Get-VifibNodeIdentity, Start-VifibNode, Get-VifibTunnel, Get-VifibNodeStatus, Update-VifibPeers) over the engine of the vifibnet program, which is shipped in bin/ for one Linux runtime.'
        }
    }
}
