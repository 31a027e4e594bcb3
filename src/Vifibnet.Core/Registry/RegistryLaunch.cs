using System.Globalization;
using Vifibnet.Certificates;

namespace Vifibnet.Registry;

/// <summary>The `vifibnet registry` command line, built from typed settings (what Start-VifibRegistry passes on).</summary>
public sealed record RegistryLaunch(int Port, string Db, string Ca, string Key)
{
    public string? PrivateAddress { get; init; }
    public IReadOnlyList<string> Bootstrap { get; init; } = [];
    public string? MailHost { get; init; }
    public int LogLevel { get; init; } = 1;
    public int PrefixLength { get; init; } = PrefixAllocator.DefaultLength;

    /// <summary>Serve HTTPS only, with a certificate from the network's CA (--tls).</summary>
    public bool Tls { get; init; }

    /// <summary>Host names or addresses the TLS certificate names besides loopback (--tls-name).</summary>
    public IReadOnlyList<string> TlsNames { get; init; } = [];

    /// <summary>
    /// Loads the CA and its key once and lets them go, so a missing, unreadable or mismatched file is
    /// named (<see cref="CertificateException"/>) before a process is started rather than by a failed one.
    /// </summary>
    public void CheckCaFiles()
    {
        using var ca = CertificateAuthority.Load(Ca, Key);
    }

    /// <summary>The arguments after the executable. Bootstrap entries are "PREFIX IP PORT PROTO" (or comma separated).</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string> { "registry", Port.ToString(CultureInfo.InvariantCulture), "--db", Db, "--ca", Ca, "--key", Key };
        if (PrivateAddress is not null) args.AddRange(["--private", PrivateAddress]);
        foreach (var entry in Bootstrap)
        {
            var fields = entry.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length != 4)
                throw new ArgumentException($"bootstrap entry '{entry}' must be 'PREFIX IP PORT PROTO', e.g. '0000000000000001 198.51.100.1 1194 udp'");
            args.Add("--bootstrap");
            args.AddRange(fields);
        }
        if (MailHost is not null) args.AddRange(["--mailhost", MailHost]);
        if (PrefixLength != PrefixAllocator.DefaultLength) args.AddRange(["--prefix-length", PrefixLength.ToString(CultureInfo.InvariantCulture)]);
        if (Tls) args.Add("--tls");
        foreach (var name in TlsNames) args.AddRange(["--tls-name", name]);
        args.AddRange(["-v", LogLevel.ToString(CultureInfo.InvariantCulture)]);
        return args;
    }
}
