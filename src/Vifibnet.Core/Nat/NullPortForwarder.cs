using Vifibnet.Addressing;

namespace Vifibnet.Nat;

/// <summary>The forwarder for a node that forwards nothing (its addresses were given with --ip).</summary>
public sealed class NullPortForwarder : IPortForwarder
{
    public static NullPortForwarder Instance { get; } = new();

    public NatStatus Status => NatStatus.Disabled;

    public event Action<IReadOnlyList<PeerAddress>>? PublicAddressesChanged { add { } remove { } }

    public Task<IReadOnlyList<PeerAddress>> StartAsync(CancellationToken cancel) => Task.FromResult<IReadOnlyList<PeerAddress>>([]);

    public Task<IReadOnlyList<PeerAddress>> RefreshAsync(CancellationToken cancel) => Task.FromResult<IReadOnlyList<PeerAddress>>([]);

    public Task StopAsync(CancellationToken cancel) => Task.CompletedTask;

    public async Task RunAsync(CancellationToken cancel)
    {
        try { await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }
}
