using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Vifibnet.Logging;

namespace Vifibnet.Routing;

/// <summary>
/// A liveness of the daemon's own on every tunnel neighbour, finer than openvpn's one-second pings:
/// an ICMPv6 echo request to the neighbour's link-local address on the tunnel's tap every
/// <see cref="Interval"/> (the peer's kernel answers; no port, no listener, nothing new to attack), and a
/// neighbour that answered nothing for <see cref="Timeout"/> is <em>suspected</em>. A suspicion is only
/// reported (the daemon bridges the neighbour's routes, which is reversible); the first answer clears
/// it. The teardown stays openvpn's (--tunnel-timeout). Needs root (a raw socket), as the daemon does.
/// </summary>
public sealed class LinkProbe : IDisposable
{
    /// <summary>How often each neighbour is probed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a suspected neighbour babel no longer routes through is still probed.</summary>
    static readonly TimeSpan ForgetSilent = TimeSpan.FromMinutes(5);

    const byte EchoRequest = 128, EchoReply = 129;

    sealed class Target(string peer, FailoverRoutes.Neighbour neighbour, IPEndPoint endPoint, ushort id, long now)
    {
        public string Peer { get; } = peer;
        public FailoverRoutes.Neighbour Neighbour { get; } = neighbour;
        public IPEndPoint EndPoint { get; } = endPoint;
        public ushort Id { get; } = id;
        public ushort Sequence;
        public long LastAnswer = now;
        public bool Suspected;
    }

    readonly Socket socket;
    readonly Logger log;
    readonly Action changed;
    readonly object gate = new();
    readonly Dictionary<string, Target> targets = [];
    readonly Dictionary<ushort, Target> byId = [];
    readonly List<(string Peer, FailoverRoutes.Neighbour Neighbour, bool Suspected)> events = [];
    readonly CancellationTokenSource stop = new();
    readonly Task sending, receiving;
    readonly ushort idBase = (ushort)Random.Shared.Next(0, 0x8000);
    ushort nextId;

    public TimeSpan Timeout { get; }

    LinkProbe(Socket socket, TimeSpan timeout, Action changed, Logger log)
    {
        (this.socket, Timeout, this.changed, this.log) = (socket, timeout, changed, log);
        sending = Task.Run(SendLoopAsync);
        receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>
    /// Starts probing (nothing until <see cref="Watch"/>); null when the raw socket cannot be opened (not root),
    /// which is logged: tunnels then fail over at openvpn's pace.
    /// </summary>
    /// <param name="timeout">How long a neighbour may answer nothing before it is suspected.</param>
    /// <param name="log">Where a missing raw socket is reported.</param>
    /// <param name="changed">Called from the probe's thread when a neighbour became suspected or answered again.</param>
    public static LinkProbe? Start(TimeSpan timeout, Action changed, Logger log)
    {
        try
        {
            var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6);
            // .NET receives only on a bound socket; bound to any address, it gets the replies from every tap.
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
            PassEchoRepliesOnly(socket);
            return new LinkProbe(socket, timeout, changed, log);
        }
        catch (SocketException e)
        {
            log.Warning($"cannot open an ICMPv6 socket for the tunnel probes ({e.Message}); a silent tunnel is noticed after --tunnel-timeout only");
            return null;
        }
    }

    /// <summary>The neighbours to probe now (peer → its link-local address and tap); others are dropped.</summary>
    public void Watch(IReadOnlyDictionary<string, FailoverRoutes.Neighbour> neighbours)
    {
        var now = Environment.TickCount64;
        lock (gate)
        {
            foreach (var (peer, t) in targets.ToList())
                if (!neighbours.TryGetValue(peer, out var n) || n != t.Neighbour)
                {
                    // A suspected neighbour babel no longer routes through (we made it drop them) is still probed while its
                    // tap lives: its answer is how we learn to ask babel for its routes again. Not forever: a server's tap
                    // outlives its clients, and one gone for good would be probed ten times a second.
                    if (n is null && t.Suspected && now - t.LastAnswer < ForgetSilent.TotalMilliseconds
                        && InterfaceIndex(t.Neighbour.Device) == t.EndPoint.Address.ScopeId) continue;
                    targets.Remove(peer);
                    byId.Remove(t.Id);
                }
            foreach (var (peer, n) in neighbours)
            {
                if (targets.ContainsKey(peer)) continue;
                if (InterfaceIndex(n.Device) is not { } index)
                {
                    log.Debug($"cannot probe {peer}: no interface index for {n.Device}");
                    continue;
                }
                var id = (ushort)(idBase + nextId++);
                var address = new IPAddress(n.Via.GetAddressBytes(), index);
                var t = new Target(peer, n, new IPEndPoint(address, 0), id, now);
                targets[peer] = t;
                byId[id] = t;
                log.Debug($"probing {peer} at {n.Via} on {n.Device}");
            }
        }
    }

    /// <summary>Suspicions raised and cleared since the last call, in order.</summary>
    public IReadOnlyList<(string Peer, FailoverRoutes.Neighbour Neighbour, bool Suspected)> TakeEvents()
    {
        lock (gate)
        {
            var taken = events.ToList();
            events.Clear();
            return taken;
        }
    }

    /// <summary>The peers suspected now.</summary>
    public IReadOnlyCollection<string> Suspected()
    {
        lock (gate) return [.. targets.Values.Where(t => t.Suspected).Select(t => t.Peer)];
    }

    async Task SendLoopAsync()
    {
        var packet = new byte[16];
        using var timer = new PeriodicTimer(Interval);
        var lastTick = Environment.TickCount64;
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                var raised = false;
                Target[] current;
                // A daemon that was not scheduled (a loaded machine, a long GC pause) sent no probes meanwhile: the time it
                // did not probe is not the neighbours' silence. And answers waiting in the socket are not silence either.
                var stalled = now - lastTick - Interval.TotalMilliseconds;
                lastTick = now;
                bool answersWaiting;
                try { answersWaiting = socket.Available > 0; }
                catch (ObjectDisposedException) { return; }
                lock (gate)
                {
                    if (stalled > Interval.TotalMilliseconds)
                        foreach (var t in targets.Values) t.LastAnswer += (long)stalled;
                    foreach (var t in targets.Values.Where(t => !answersWaiting && !t.Suspected && now - t.LastAnswer > Timeout.TotalMilliseconds))
                    {
                        t.Suspected = true;
                        events.Add((t.Peer, t.Neighbour, true));
                        raised = true;
                    }
                    current = [.. targets.Values];
                }
                if (raised) changed();
                foreach (var t in current)
                {
                    packet[0] = EchoRequest;
                    packet[1] = 0;
                    packet[2] = packet[3] = 0; // the kernel fills in the ICMPv6 checksum
                    BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), t.Id);
                    BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), ++t.Sequence);
                    try { socket.SendTo(packet, SocketFlags.None, t.EndPoint); }
                    catch (SocketException) { /* the tap went away: the next Watch drops it */ }
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1500];
        EndPoint any = new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!stop.IsCancellationRequested)
        {
            int length;
            try
            {
                var r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop.Token).ConfigureAwait(false);
                length = r.ReceivedBytes;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                log.Debug($"tunnel probe receive failed: {e.Message}");
                continue;
            }
            catch (Exception e)
            {
                log.Error($"tunnel probes stopped: {e.Message}", e);
                return;
            }
            if (length < 8 || buffer[0] != EchoReply) continue;
            var id = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(4));
            var cleared = false;
            lock (gate)
            {
                if (!byId.TryGetValue(id, out var t)) continue;
                t.LastAnswer = Environment.TickCount64;
                if (t.Suspected)
                {
                    t.Suspected = false;
                    events.Add((t.Peer, t.Neighbour, false));
                    cleared = true;
                }
            }
            if (cleared) changed();
        }
    }

    /// <summary>
    /// Bounces a tap for babeld, without touching the tunnel: the tap goes down (babeld flushes every route learned on it,
    /// picks its next feasible ones, loop-free, and tells its neighbours) and up again a moment later (its addresses kept),
    /// and on the way up babeld sends a hello and a route request at once, which a neighbour answers with an IHU (and, with
    /// timestamps on, a hello of its own). Used to reroute around a silent neighbour, to ask it for its routes when it answers
    /// again, and to hurry babel's two-hello handshake on a new tunnel.
    /// </summary>
    public static async Task BounceAsync(string device, Logger log, CancellationToken cancel)
    {
        try { await File.WriteAllTextAsync($"/proc/sys/net/ipv6/conf/{device}/keep_addr_on_down", "1", cancel).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; /* the tap is gone already */ }
        var (code, output) = Processes.Command.TryRun(Processes.Tools.Ip, "link", "set", "dev", device, "down");
        if (code != 0)
        {
            log.Warning($"cannot set {device} down (to bounce it for babeld): {output.Trim()}");
            return;
        }
        // babeld reads the link state when netlink tells it something changed: it must see the tap down before it is up.
        try { await Task.Delay(TimeSpan.FromMilliseconds(300), cancel).ConfigureAwait(false); }
        finally { Processes.Command.TryRun(Processes.Tools.Ip, "link", "set", "dev", device, "up"); }
    }

    /// <summary>
    /// The kernel hands a raw ICMPv6 socket every ICMPv6 packet (neighbour discovery, other echoes); its ICMP6_FILTER
    /// passes the echo replies only, so the receive loop keeps up and answers waiting in the socket mean ours.
    /// </summary>
    static void PassEchoRepliesOnly(Socket socket)
    {
        const int IcmpV6Level = 58, Icmp6Filter = 1;
        var blocked = new uint[8];
        Array.Fill(blocked, uint.MaxValue);
        blocked[EchoReply >> 5] &= ~(1u << (EchoReply & 31));
        var bytes = new byte[32];
        Buffer.BlockCopy(blocked, 0, bytes, 0, 32);
        try { socket.SetRawSocketOption(IcmpV6Level, Icmp6Filter, bytes); }
        catch (SocketException) { /* unfiltered: the replies are still told apart by their id */ }
    }

    static int? InterfaceIndex(string device)
    {
        try { return int.Parse(File.ReadAllText($"/sys/class/net/{device}/ifindex").Trim(), System.Globalization.CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { return null; }
    }

    public void Dispose()
    {
        stop.Cancel();
        socket.Dispose();
        try { Task.WaitAll([sending, receiving], TimeSpan.FromSeconds(2)); }
        catch (AggregateException) { }
        stop.Dispose();
    }
}
