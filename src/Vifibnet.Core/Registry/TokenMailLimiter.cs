using System.Net;
using System.Net.Sockets;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>
/// How many token mails one address may receive and one client may cause within a window: anyone may
/// ask for a token, so without a limit the registry mails whoever an attacker names, as often as asked.
/// A client is its IP address, an IPv6 client its /64 (one host usually holds a whole /64). In memory:
/// a restart forgives, which a limit on mail volume can afford. Thread-safe.
/// </summary>
public sealed class TokenMailLimiter(int perAddress, int perClient, TimeSpan window, TimeProvider clock)
{
    /// <summary>Keys kept before old ones are dropped; bounds memory whatever the number of clients.</summary>
    const int MaxKeys = 100_000;

    readonly Dictionary<string, Queue<DateTimeOffset>> hits = [];
    readonly object gate = new();

    /// <summary>Counts one mail to <paramref name="email"/> asked by <paramref name="client"/>, or throws rate_limited (nothing counted).</summary>
    public void Take(string email, IPAddress? client)
    {
        var now = clock.GetUtcNow();
        var (addressKey, clientKey) = ("to:" + email.ToLowerInvariant(), "from:" + ClientKey(client));
        lock (gate)
        {
            if (hits.Count > MaxKeys) Prune(now);
            var (toAddress, fromClient) = (Recent(addressKey, now), Recent(clientKey, now));
            if (toAddress.Count >= perAddress)
                throw Limited($"{email} was already sent {toAddress.Count} tokens in the last {window.TotalMinutes:0} minutes", toAddress.Peek());
            if (fromClient.Count >= perClient)
                throw Limited($"this client ({ClientKey(client)}) already asked for {fromClient.Count} token mails in the last {window.TotalMinutes:0} minutes", fromClient.Peek());
            toAddress.Enqueue(now);
            fromClient.Enqueue(now);
        }
    }

    RequestRefusedException Limited(string what, DateTimeOffset oldest) =>
        new(RegistryErrorCode.RateLimited, $"{what}: try again after {oldest + window:u}, or ask the registry's administrator for a token");

    Queue<DateTimeOffset> Recent(string key, DateTimeOffset now)
    {
        if (!hits.TryGetValue(key, out var queue)) hits[key] = queue = new Queue<DateTimeOffset>();
        while (queue.Count > 0 && queue.Peek() <= now - window) queue.Dequeue();
        return queue;
    }

    void Prune(DateTimeOffset now)
    {
        foreach (var key in hits.Where(h => h.Value.Count == 0 || h.Value.Last() <= now - window).Select(h => h.Key).ToList())
            hits.Remove(key);
    }

    static string ClientKey(IPAddress? client)
    {
        if (client is null) return "unknown";
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        if (client.AddressFamily != AddressFamily.InterNetworkV6) return client.ToString();
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
