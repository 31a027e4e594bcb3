using System.Net;
using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.OpenVpn;

/// <summary>One running openvpn (a server or a client tunnel) on its own tap device, with its own log, pid and management socket.</summary>
public sealed class OpenVpnProcess : IDisposable
{
    static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);
    readonly ChildProcess child;
    readonly OpenVpnSettings settings;
    bool socketRestricted;

    /// <summary>The tap device openvpn created (and removes when it exits).</summary>
    public string Device { get; }
    public ChildProcess Process => child;

    /// <summary>When openvpn last read its certificate, key and CRL: its start, or its last <see cref="Reload"/>.</summary>
    public DateTimeOffset LoadedAt { get; private set; }

    OpenVpnProcess(ChildProcess child, OpenVpnSettings settings, string device)
    {
        this.child = child;
        this.settings = settings;
        Device = device;
        LoadedAt = child.Started;
    }

    public static OpenVpnProcess Start(string name, string device, IReadOnlyList<string> args, OpenVpnSettings settings, Logger log)
    {
        // Files a previous openvpn on this device left behind would be mistaken for this one's.
        foreach (var stale in new[] { settings.ManagementSocket(device), settings.PidFile(device), settings.ExternalIpFile(device) })
            File.Delete(stale);
        var child = ChildProcess.Start(name, Tools.Find(Tools.OpenVpn), args, settings.LogFile(device), log);
        return new OpenVpnProcess(child, settings, device);
    }

    /// <summary>openvpn creates its management socket 0777; it is made its owner's alone as soon as it is seen.</summary>
    void RestrictSocket()
    {
        if (socketRestricted) return;
        try
        {
            var socket = settings.ManagementSocket(Device);
            if (!File.Exists(socket)) return;
            OwnerOnly.Restrict(socket);
            socketRestricted = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone between the check and the chmod (openvpn restarting): tried again at the next query.
        }
    }

    /// <summary>openvpn's connection state (CONNECTING, WAIT, AUTH, GET_CONFIG, CONNECTED, ...), or null when it cannot say.</summary>
    public async Task<string?> GetStateAsync(CancellationToken cancel)
    {
        RestrictSocket();
        try
        {
            var lines = await ManagementClient.QueryAsync(settings.ManagementSocket(Device), "state", QueryTimeout, cancel).ConfigureAwait(false);
            // "1795302089,CONNECTED,SUCCESS,,198.51.100.1,1194,,"
            return lines.Select(l => l.Split(',')).LastOrDefault(f => f.Length > 1)?[1];
        }
        catch (ManagementException)
        {
            return null;
        }
    }

    /// <summary>The peers connected to this server.</summary>
    public async Task<IReadOnlyList<ServerClient>> GetClientsAsync(CancellationToken cancel)
    {
        RestrictSocket();
        try
        {
            return ServerClient.ParseStatus(await ManagementClient.QueryAsync(settings.ManagementSocket(Device), "status 2", QueryTimeout, cancel).ConfigureAwait(false));
        }
        catch (ManagementException)
        {
            return [];
        }
    }

    /// <summary>Disconnects the client with this certificate CN from this server (a revoked peer); false when it is not connected.</summary>
    public async Task<bool> KillClientAsync(string commonName, CancellationToken cancel)
    {
        RestrictSocket();
        try
        {
            await ManagementClient.QueryAsync(settings.ManagementSocket(Device), $"kill {commonName}", QueryTimeout, cancel).ConfigureAwait(false);
            return true;
        }
        catch (ManagementException)
        {
            return false;
        }
    }

    /// <summary>Our address as the peer's server saw it, once the client's route-up hook wrote it.</summary>
    public IPAddress? ReadExternalIp()
    {
        try
        {
            // A dual-stack (udp6) server sees an IPv4 client as ::ffff:a.b.c.d: that client's address is the IPv4 one.
            return IPAddress.TryParse(File.ReadAllText(settings.ExternalIpFile(Device)).Trim(), out var ip)
                ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// SIGUSR1: openvpn restarts inside the same process and reads its certificate, key and CRL again, while
    /// --persist-tun keeps the tap device, so babeld keeps the interface and its neighbours: the tunnels come
    /// back in about a second instead of being rebuilt and relearnt (a renewed certificate, docs/lifecycle.md).
    /// </summary>
    public void Reload()
    {
        child.Signal(ChildProcess.SIGUSR1);
        LoadedAt = DateTimeOffset.UtcNow;
        // The management socket may be made again by the restart: restricted again at the next query.
        socketRestricted = false;
    }

    public Task StopAsync() => child.StopAsync(TimeSpan.FromSeconds(5));

    public void Dispose() => child.Dispose();
}
