using System.Management.Automation;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>Changes the network configuration the registry signs: every node takes it at its next peer refresh.</summary>
/// <remarks>
/// <para>Only the settings given change. -Unset leaves a setting to each node again. -RotateBabelKey draws a new babel key that every node starts using -KeyOverlap seconds from now (default 7200: make it more than two of the nodes' --peers-db-refresh, so each has fetched it by then). A node's own command-line value stays a local override of hello, connection count and the refresh settings. See docs/lifecycle.md.</para>
/// </remarks>
/// <example><code>Set-VifibNetworkConfig -DatabasePath ./net/registry.db -Hello 6</code><para>Every node's babel hello becomes 6 s at its next refresh.</para></example>
/// <example><code>Set-VifibNetworkConfig ./net/registry.db -RotateBabelKey -KeyOverlap 600</code><para>A new babel key, used by every node in 10 minutes.</para></example>
[Cmdlet(VerbsCommon.Set, "VifibNetworkConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(NetworkConfigSummary))]
public sealed class SetVifibNetworkConfigCommand : VifibCmdlet
{
    /// <summary>The registry DB (registry.db).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string DatabasePath { get; set; } = "";

    /// <summary>babel hello interval, seconds.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int? Hello { get; set; }

    /// <summary>Tunnels wanted by each node (taken at a node's next start).</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int? ConnectionCount { get; set; }

    /// <summary>Seconds between full tunnel refreshes.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TunnelRefresh { get; set; }

    /// <summary>Share of tunnels replaced at each refresh, 0..1.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? RefreshRate { get; set; }

    /// <summary>The lowest vifibnet version a node may run (X.Y.Z): an older node refuses to start.</summary>
    [Parameter]
    [ValidatePattern(@"^\d+\.\d+(\.\d+)?$")]
    public string? MinimumVersion { get; set; }

    /// <summary>Settings to leave to each node again.</summary>
    [Parameter]
    [ValidateSet("hello", "connection-count", "tunnel-refresh", "refresh-rate", "min-version", "babel-key")]
    public string[] Unset { get; set; } = [];

    /// <summary>Draws a new babel key, used by every node -KeyOverlap seconds from now.</summary>
    [Parameter]
    public SwitchParameter RotateBabelKey { get; set; }

    /// <summary>Seconds between announcing a new babel key and its use.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int KeyOverlap { get; set; } = (int)NetworkConfigStore.DefaultKeyOverlap.TotalSeconds;

    protected override void ProcessRecord()
    {
        var db = FileSystemPath(DatabasePath);
        var change = new NetworkConfigChange
        {
            Hello = Hello, ConnectionCount = ConnectionCount, TunnelRefresh = TunnelRefresh, RefreshRate = RefreshRate,
            MinimumVersion = MinimumVersion, Unset = Unset, RotateBabelKey = RotateBabelKey.IsPresent, KeyOverlap = TimeSpan.FromSeconds(KeyOverlap),
        };
        if (change.ChangesNothing)
        {
            WriteFailure(new ArgumentException("no setting given: -Hello, -ConnectionCount, -TunnelRefresh, -RefreshRate, -MinimumVersion, -Unset or -RotateBabelKey"), db);
            return;
        }
        if (!ShouldProcess(db, "Change the network configuration every node applies")) return;
        try
        {
            WriteObject(NetworkConfigSummary.Of(db, AdminNetworkConfig.Set(db, change)));
        }
        catch (Exception e) when (e is RegistryDbUnavailableException or ArgumentException or Vifibnet.Certificates.CertificateException)
        {
            WriteFailure(e, db);
        }
    }
}
