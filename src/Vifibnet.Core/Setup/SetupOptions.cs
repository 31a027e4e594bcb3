namespace Vifibnet.Setup;

/// <summary>What `vifibnet setup` / Register-VifibNode are asked to do (the seed's setup.py options, plus --token/--email/--dh).</summary>
public sealed record SetupOptions(string Server, int Port, string Directory)
{
    /// <summary>-r NAME VALUE: subject attributes for the certificate request, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; init; } = [];

    /// <summary>Stop after downloading ca.pem.</summary>
    public bool CaOnly { get; init; }

    /// <summary>Stop after the peers DB and its bootstrap peer.</summary>
    public bool DbOnly { get; init; }

    /// <summary>Do not ask the registry for a bootstrap peer.</summary>
    public bool NoBoot { get; init; }

    /// <summary>Request a token mail to this address (then only the token is asked for).</summary>
    public string? Email { get; init; }

    /// <summary>An admin-issued (or already mailed) token: no prompt at all.</summary>
    public string? Token { get; init; }

    /// <summary>Also write dh2048.pem for openvpn (otherwise the daemon runs with "dh none").</summary>
    public bool WriteDh { get; init; }

    /// <summary>
    /// The network CA's fingerprint ("sha256:...", printed by new-registry and token): the CA the registry
    /// sends must be this one, so the first contact, made over plain HTTP, cannot be answered by another.
    /// </summary>
    public string? CaFingerprint { get; init; }

    /// <summary>
    /// Talk to the registry over TLS (https://): its server certificate must be the registry's, from the network's CA —
    /// the pinned <see cref="CaFingerprint"/>, or the ca.pem already in the directory — so the token never travels in clear.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>Replace a ca.pem of another network in the directory (the node then registers again).</summary>
    public bool Force { get; init; }

    /// <summary>How many times a rejected token is asked for again interactively.</summary>
    public int TokenAttempts { get; init; } = 3;
}
