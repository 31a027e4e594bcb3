using Vifibnet.Logging;
using Vifibnet.Setup;

namespace Vifibnet.Cli.Commands;

/// <summary>vifibnet setup --server ADDRESS --port PORT [-d DIR] [-r NAME VALUE]... [...]: joins a network (the seed's setup.py).</summary>
public static class SetupCommand
{
    public const string Help =
        "usage: vifibnet setup --server ADDRESS --port PORT [-d DIR] [-r NAME VALUE]... [--ca-only] [--db-only] [--no-boot] [--email E] [--token T] [--ca-fingerprint sha256:HEX] [--tls] [--force] [--dh] [-v LEVEL]";

    public static readonly CliCommand Command = new("setup", "join a network: ca.pem, cert.key, cert.crt, peers.db from a registry", RunAsync);

    static async Task<int> RunAsync(CommandContext context)
    {
        string? server = null, email = null, token = null, fingerprint = null;
        int? port = null;
        var dir = ".";
        var attributes = new List<KeyValuePair<string, string>>();
        bool caOnly = false, dbOnly = false, noBoot = false, dh = false, force = false, tls = false;
        var verbose = 1;
        var args = new ArgumentCursor(context.Args);
        while (args.More)
        {
            switch (args.Next())
            {
                case "--server": server = args.Value("--server"); break;
                case "--port": port = args.IntValue("--port", 1, 65535); break;
                case "-d" or "--dir": dir = args.Value("--dir"); break;
                case "-r" or "--req": attributes.Add(new(args.Value("--req NAME"), args.Value("--req VALUE"))); break;
                case "--ca-only": caOnly = true; break;
                case "--db-only": dbOnly = true; break;
                case "--no-boot": noBoot = true; break;
                case "--email": email = args.Value("--email"); break;
                case "--token": token = args.Value("--token"); break;
                case "--dh": dh = true; break;
                case "--ca-fingerprint":
                    var text = args.Value("--ca-fingerprint");
                    try { fingerprint = Certificates.CertificateFingerprint.Parse(text); }
                    catch (Certificates.CertificateException e) { throw new UsageException(e.Message); }
                    break;
                case "--force": force = true; break;
                case "--tls": tls = true; break;
                case "-v" or "--verbose": verbose = args.IntValue("--verbose", 0, 5); break;
                case "-h" or "--help": context.Out.WriteLine(Help); return CommandLine.Ok;
                case var other: throw ArgumentCursor.Unknown(other);
            }
        }
        try { SubjectAttributes.Build(attributes); }
        catch (SetupException e) when (e.Kind == SetupErrorKind.InvalidAttribute) { throw new UsageException(e.Message); } // a bad -r is a usage error (exit 2)
        var options = new SetupOptions(ArgumentCursor.Required(server, "--server"), port ?? throw new UsageException("--port is required"), dir)
        {
            Attributes = attributes, CaOnly = caOnly, DbOnly = dbOnly, NoBoot = noBoot, Email = email, Token = token, WriteDh = dh,
            CaFingerprint = fingerprint, Force = force, Tls = tls,
        };
        var log = new Logger(Verbosity.MinimumLevel(verbose), r => context.Error.WriteLine(r.Message));
        var prompt = new TerminalPrompt(context.In ?? Console.In, context.Error);
        var result = await new NodeSetup(log).RunAsync(options, token is null ? prompt : null, context.Cancel);

        context.Out.WriteLine($"network   {result.Network}   (registry {result.Registry})");
        if (result.Prefix is { } prefix)
            context.Out.WriteLine($"node      {prefix.ToCommonName()}   subnet {result.Subnet}   address {result.NodeAddress}   certificate valid until {result.CertificateExpires:yyyy-MM-dd}");
        context.Out.WriteLine($"directory {result.Directory}   ({result.Stage})");
        return CommandLine.Ok;
    }
}
