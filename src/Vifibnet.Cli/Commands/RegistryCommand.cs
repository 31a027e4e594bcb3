using System.Net;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Server;

namespace Vifibnet.Cli.Commands;

/// <summary>vifibnet registry PORT --db --ca --key [...]: serves the registry in the foreground until SIGINT/SIGTERM.</summary>
public static class RegistryCommand
{
    public const string Help =
        "usage: vifibnet registry PORT|--port PORT --db PATH --ca PATH --key PATH [--private IP] [--bootstrap PREFIX IP PORT PROTO]... [--mailhost HOST[:PORT]] [--prefix-length N] [--tls [--tls-name NAME]...] [--certificate-lifetime SECONDS] [--grace SECONDS] [-v LEVEL] [@FILE]\n" +
        "  --tls: HTTPS only, with a certificate from the network's CA made at start (nodes: setup --tls, --registry https://...)\n" +
        "  --certificate-lifetime: how long an issued or renewed certificate lives (default 365 days); --grace: how long after expiry it may still be renewed (default 30 days)\n" +
        "  @FILE: options from FILE, one per line without the leading --, e.g. 'port 8000', 'db /var/lib/vifibnet/registry/registry.db'; # comments";

    public static readonly CliCommand Command = new("registry", "serve a network's registry (foreground until Ctrl+C / SIGTERM)", RunAsync);

    static async Task<int> RunAsync(CommandContext context)
    {
        int? port = null;
        string? db = null, caPath = null, keyPath = null, mailHost = null;
        IPAddress? privateAddress = null;
        var bootstrap = new List<PeerEntry>();
        var verbose = 1; // as RegistryLaunch and Start-VifibRegistry: info, so an operator sees it listen
        var prefixLength = PrefixAllocator.DefaultLength;
        TimeSpan? lifetime = null, grace = null;
        var tls = false;
        var tlsNames = new List<string>();
        var args = new ArgumentCursor(OptionFileArgs.Expand(context.Args));
        while (args.More)
        {
            switch (args.Next())
            {
                case "--port": port = ArgumentCursor.ParsePort(args.Value("--port"), "--port"); break;
                case "--db": db = args.Value("--db"); break;
                case "--ca": caPath = args.Value("--ca"); break;
                case "--key": keyPath = args.Value("--key"); break;
                case "--mailhost": mailHost = args.Value("--mailhost"); break;
                case "--private":
                    var text = args.Value("--private");
                    privateAddress = IPAddress.TryParse(text, out var ip) ? ip : throw new UsageException($"--private '{text}' is not an IP address");
                    break;
                case "--bootstrap": bootstrap.Add(Bootstrap(args)); break;
                case "--prefix-length": prefixLength = args.IntValue("--prefix-length", 1, 127); break;
                case "--certificate-lifetime": lifetime = TimeSpan.FromSeconds(args.IntValue("--certificate-lifetime", 60, 20 * 366 * 86400)); break;
                case "--grace": grace = TimeSpan.FromSeconds(args.IntValue("--grace", 0, 5 * 366 * 86400)); break;
                case "--tls": tls = true; break;
                case "--tls-name":
                    var name = args.Value("--tls-name");
                    if (Uri.CheckHostName(name.Trim('[', ']')) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
                        throw new UsageException($"--tls-name '{name}' is not a host name or an IP address");
                    tlsNames.Add(name);
                    break;
                case "-v" or "--verbose": verbose = args.IntValue("--verbose", 0, 5); break;
                case "-h" or "--help": context.Out.WriteLine(Help); return CommandLine.Ok;
                case var positional when port is null && !positional.StartsWith('-'): port = ArgumentCursor.ParsePort(positional, "PORT"); break;
                case var other: throw ArgumentCursor.Unknown(other);
            }
        }
        if (port is null) throw new UsageException("PORT is required");
        var options = new RegistryOptions { PrivateAddress = privateAddress, BootstrapPeers = bootstrap, MailHost = mailHost, PrefixLength = prefixLength };
        if (lifetime is { } l) options = options with { CertificateValidity = l };
        if (grace is { } g) options = options with { RenewalGrace = g };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }

        var log = new Logger(Verbosity.MinimumLevel(verbose), ConsoleLog.Sink(context));
        using var hangup = ConsoleLog.ReopenOnHangup(log);
        using var ca = CertificateAuthority.Load(ArgumentCursor.Required(caPath, "--ca"), ArgumentCursor.Required(keyPath, "--key"), log.For("registry"));
        using var registryDb = RegistryDb.OpenForCa(ArgumentCursor.Required(db, "--db"), ca.Certificate);
        if (registryDb.IsTemporary) log.Info($"temporary DB {registryDb.Path} (deleted on exit)");
        if (tlsNames.Count > 0 && !tls) throw new UsageException("--tls-name names the TLS certificate: give --tls too");
        var identity = tls ? RegistryTlsCertificate.Issue(ca, tlsNames) : null;
        await using var server = new RegistryServer(new RegistryService(options, registryDb, ca, log.For("registry")), port.Value, log, identity);
        await server.RunAsync(context.Cancel);
        return CommandLine.Ok;
    }

    static PeerEntry Bootstrap(ArgumentCursor args)
    {
        var (prefix, ip, port, proto) = (args.Value("--bootstrap"), args.Value("--bootstrap"), args.Value("--bootstrap"), args.Value("--bootstrap"));
        try
        {
            var address = PeerAddress.ParseList($"{ip},{port},{proto}");
            return new PeerEntry(NodePrefix.ParseBinary(prefix).ToBinary(), address[0].ToString());
        }
        catch (AddressingException e)
        {
            throw new UsageException($"--bootstrap {prefix} {ip} {port} {proto}: {e.Message}");
        }
    }
}
