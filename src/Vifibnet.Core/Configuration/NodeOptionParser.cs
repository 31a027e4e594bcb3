using System.Globalization;
using System.Net;
using Vifibnet.Addressing;

namespace Vifibnet.Configuration;

/// <summary>
/// Parses `vifibnet node` arguments as the seed's vifibnet.py did: its options and defaults, `@file`
/// config files (one option per line, leading `--` optional, long options only, `#` comments,
/// nested `@file` resolved from the including file's directory), and everything after `--` passed
/// to openvpn. Errors name the option, and the file and line when it came from a file.
/// </summary>
public static class NodeOptionParser
{
    sealed record Token(string Text, string? File, int Line);

    sealed record Spec(string Long, char? Short, string[] Args, string Help, Func<NodeOptions, string[], NodeOptions> Apply);

    static readonly Spec[] Specs =
    [
        new("ip", null, ["ADDRESS", "PORT", "PROTO"], "address to advertise (repeatable); proto udp or tcp-client; none: learn it from peers",
            (o, a) => o with { Ips = [.. o.Ips, new PeerAddress(Address(a[0]), Port(a[1], "--ip"), IpProtocol(a[2]))] }),
        new("interface", 'i', ["INTERFACE"], "LAN interface where babel finds nodes needing no tunnel (repeatable)",
            (o, a) => o with { Interfaces = [.. o.Interfaces, a[0]] }),
        new("peers-db-refresh", null, ["SECONDS"], "peer DB refresh interval (default 3600)",
            (o, a) => o with { PeersDbRefresh = Seconds(a[0], "--peers-db-refresh") }),
        new("log", 'l', ["DIRECTORY"], "log directory: one file per openvpn, babeld, the daemon (default /var/log)",
            (o, a) => o with { LogDir = a[0] }),
        new("state", 's', ["DIRECTORY"], "state directory: peers.db, babeld state, control socket (default /var/lib/vifibnet)",
            (o, a) => o with { StateDir = a[0] }),
        new("verbose", 'v', ["LEVEL"], "0..5: 0 warnings, 1 info, 2 debug, 3+ trace; also given to openvpn and babeld (default 0)",
            (o, a) => o with { Verbose = Int(a[0], "--verbose", 0, 5) }),
        new("registry", null, ["URL"], "registry URL, e.g. http://[2001:db8::1]:8000 (default: peer DB only)",
            (o, a) => o with { Registry = Url(a[0]) }),
        new("hello", null, ["SECONDS"], "babel hello interval (default 15)",
            (o, a) => o with { Hello = Int(a[0], "--hello", 1, 3600) }),
        new("tunnel-timeout", null, ["SECONDS"], $"a tunnel silent this long is dead; openvpn pings every second (default {NodeOptions.DefaultTunnelTimeout}; 0: ping every hello, dead after 4)",
            (o, a) => o with { TunnelTimeout = TunnelTimeoutSeconds(a[0]) }),
        new("probe-timeout", null, ["SECONDS"], "a tunnel neighbour answering no 100-ms probe this long has its routes bridged elsewhere until it answers or the tunnel timeout drops it (default 1.5; 0: off)",
            (o, a) => o with { ProbeTimeout = ProbeTimeoutSeconds(a[0]) }),
        new("wireless", 'w', [], "babeld treats every interface as wireless",
            (o, _) => o with { Wireless = true }),
        new("pp", null, ["PORT", "PROTO"], "openvpn server port and protocol udp or tcp-server, udp6 or tcp6-server for IPv6 too (repeatable; default 1194 udp, 1194 tcp-server)",
            (o, a) => o with { Servers = [.. ExplicitServers(o), new ServerEndpoint(Port(a[0], "--pp"), ServerProtocol(a[1]))] }),
        new("tunnel-refresh", null, ["SECONDS"], "interval between full tunnel refreshes (default 300)",
            (o, a) => o with { TunnelRefresh = Seconds(a[0], "--tunnel-refresh") }),
        new("dh", null, ["PATH"], "DH parameters for the openvpn servers (default: dh none, ECDHE)",
            (o, a) => o with { Dh = a[0] }),
        new("ca", null, ["PATH"], "the network's CA certificate (default STATE/ca.pem)",
            (o, a) => o with { Ca = a[0] }),
        new("cert", null, ["PATH"], "this node's certificate (default STATE/cert.crt)",
            (o, a) => o with { Cert = a[0] }),
        new("key", null, ["PATH"], "this node's private key (default STATE/cert.key)",
            (o, a) => o with { Key = a[0] }),
        new("connection-count", null, ["N"], "tunnels wanted in all: ceil(N/2) opened as client, the rest come from peers (default 20)",
            (o, a) => o with { ConnectionCount = Int(a[0], "--connection-count", 0, 1000) }),
        new("refresh-rate", null, ["RATIO"], "share of tunnels replaced at each refresh, 0..1 (default 0.05)",
            (o, a) => o with { RefreshRate = Ratio(a[0]) }),
        new("peer-exchange", null, ["SECONDS"], "ask tunnel neighbours for peers this often (sooner when short of peers); 0: neither ask nor answer (default 600)",
            (o, a) => o with { PeerExchange = a[0] == "0" ? TimeSpan.Zero : Seconds(a[0], "--peer-exchange") }),
    ];

    /// <summary>Option help, one line per option, for `vifibnet node --help`: names and values in one column, help in the next.</summary>
    public static string Help
    {
        get
        {
            var rows = Specs.Select(s => ($"{(s.Short is { } c ? $"-{c}, " : "    ")}--{s.Long} {string.Join(' ', s.Args)}".TrimEnd(), s.Help))
                .Append(("@FILE", "read options from FILE (one per line, '--' optional, long names, # comments)"))
                .Append(("-- ARGS...", "give ARGS to every openvpn process"))
                .ToList();
            var width = rows.Max(r => r.Item1.Length) + 2;
            return string.Join('\n', rows.Select(r => "  " + r.Item1.PadRight(width) + r.Item2));
        }
    }

    /// <summary>Parses the arguments; relative @file paths are taken from <paramref name="baseDirectory"/> (default: the current one).</summary>
    public static NodeOptions Parse(IReadOnlyList<string> args, string? baseDirectory = null)
    {
        var dashDash = args.ToList().IndexOf("--");
        var own = dashDash < 0 ? args : args.Take(dashDash).ToList();
        var tokens = new List<Token>();
        foreach (var arg in own)
        {
            if (arg.StartsWith('@')) tokens.AddRange(ReadFile(Resolve(arg[1..], baseDirectory), [], null, 0));
            else tokens.Add(new Token(arg, null, 0));
        }
        var options = new NodeOptions();
        for (var i = 0; i < tokens.Count;)
        {
            var token = tokens[i++];
            var (spec, inline) = Find(token);
            var values = new List<string>();
            if (inline is not null) values.Add(inline);
            while (values.Count < spec.Args.Length)
            {
                if (i >= tokens.Count)
                    throw Error($"--{spec.Long} needs {spec.Args.Length} value(s): {string.Join(' ', spec.Args)}", token);
                values.Add(tokens[i++].Text);
            }
            if (inline is not null && spec.Args.Length != 1)
                throw Error($"--{spec.Long}=VALUE only works for options taking one value", token);
            try
            {
                options = spec.Apply(options, [.. values]);
                options = options with { Given = new HashSet<string>(options.Given) { spec.Long } };
            }
            catch (NodeOptionException e) when (e.File is null && token.File is not null)
            {
                throw new NodeOptionException(e.Message, token.File, token.Line, e);
            }
        }
        if (dashDash >= 0) options = options with { OpenVpnArgs = [.. args.Skip(dashDash + 1)] };
        return options.Validate();
    }

    static (Spec Spec, string? Inline) Find(Token token)
    {
        var text = token.Text;
        if (text.StartsWith("--"))
        {
            var name = text[2..];
            string? inline = null;
            var eq = name.IndexOf('=');
            if (eq >= 0) (name, inline) = (name[..eq], name[(eq + 1)..]);
            var spec = Specs.FirstOrDefault(s => s.Long == name)
                ?? throw Error($"unknown option '--{name}'" + (token.File is not null && name.Length == 1 ? " (files take long option names only, e.g. 'verbose 3')" : ""), token);
            return (spec, inline);
        }
        if (text.Length == 2 && text[0] == '-' && token.File is null)
            return (Specs.FirstOrDefault(s => s.Short == text[1]) ?? throw Error($"unknown option '{text}'", token), null);
        throw Error($"unexpected argument '{text}' (options start with --; openvpn arguments go after --)", token);
    }

    /// <summary>One option per line: "name value..." or "--name value..."; "# ..." is a comment; "@file" includes.</summary>
    static IEnumerable<Token> ReadFile(string path, HashSet<string> open, string? fromFile, int fromLine)
    {
        var full = Path.GetFullPath(path);
        if (!open.Add(full))
            throw new NodeOptionException($"@{path} includes itself", fromFile, fromLine);
        string[] lines;
        try
        {
            lines = OptionFile.ReadLines(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeOptionException($"cannot read option file '{full}': {e.Message}", fromFile, fromLine, e);
        }
        var tokens = new List<Token>();
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            if (words[0].StartsWith('@'))
            {
                if (words.Length > 1) throw new NodeOptionException($"'{line.Trim()}': an @file line names one file only", full, n + 1);
                tokens.AddRange(ReadFile(Resolve(words[0][1..], Path.GetDirectoryName(full)), open, full, n + 1));
                continue;
            }
            if (words[0] == "--") throw new NodeOptionException("'--' (openvpn arguments) is only allowed on the command line", full, n + 1);
            tokens.Add(new Token(words[0].StartsWith("--") ? words[0] : "--" + words[0], full, n + 1));
            tokens.AddRange(words.Skip(1).Select(w => new Token(w, full, n + 1)));
        }
        open.Remove(full);
        return CheckLineArity(tokens);
    }

    /// <summary>Each line of a file is one whole option: a missing or extra value is that line's error.</summary>
    static IEnumerable<Token> CheckLineArity(List<Token> tokens)
    {
        foreach (var line in tokens.GroupBy(t => (t.File, t.Line)))
        {
            var words = line.ToList();
            var name = words[0].Text[2..];
            var eq = name.IndexOf('=');
            var spec = Specs.FirstOrDefault(s => s.Long == (eq >= 0 ? name[..eq] : name));
            if (spec is null) continue; // reported as unknown, with file and line, by Find
            var given = words.Count - 1 + (eq >= 0 ? 1 : 0);
            if (given != spec.Args.Length)
                throw new NodeOptionException($"'{string.Join(' ', words.Select(w => w.Text)).TrimStart('-')}': {spec.Long} takes {spec.Args.Length} value(s) ({string.Join(' ', spec.Args)}), got {given}", words[0].File, words[0].Line);
        }
        return tokens;
    }

    static string Resolve(string path, string? baseDirectory) =>
        path.Length == 0 ? throw new NodeOptionException("'@' must be followed by a file name")
        : Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory ?? Directory.GetCurrentDirectory(), path);

    static NodeOptionException Error(string message, Token token) => new(message, token.File, token.Line);

    /// <summary>--pp replaces the default servers: the first explicit --pp starts from an empty list.</summary>
    static IReadOnlyList<ServerEndpoint> ExplicitServers(NodeOptions o) => ReferenceEquals(o.Servers, NodeOptions.DefaultServers) ? [] : o.Servers;

    static IPAddress Address(string text) =>
        IPAddress.TryParse(text, out var ip) ? ip : throw new NodeOptionException($"--ip: '{text}' is not an IP address");

    static int Port(string text, string option) => Int(text, option + " port", 1, 65535);

    // openvpn's family suffixes (udp6, tcp6-client) are accepted: the address itself says the family.
    static string IpProtocol(string text) => text switch
    {
        "udp" or "udp4" or "udp6" => "udp",
        "tcp-client" or "tcp4-client" or "tcp6-client" or "tcp" => "tcp-client",
        _ => throw new NodeOptionException($"--ip protocol '{text}' must be udp or tcp-client (udp6, tcp6-client also accepted)"),
    };

    static string ServerProtocol(string text) => ServerEndpoint.Protocols.Contains(text)
        ? text
        : throw new NodeOptionException($"--pp protocol '{text}' must be udp or tcp-server (IPv4), or udp6 or tcp6-server (IPv6 and IPv4)");

    static int Int(string text, string option, int min, int max) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new NodeOptionException($"{option}: '{text}' is not a whole number in {min}..{max}");

    /// <summary>0 (the seed's 4 hellos) or 2..3600: one second would drop a tunnel at the first lost ping.</summary>
    static int TunnelTimeoutSeconds(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is 0 or (>= 2 and <= 3600)
            ? v
            : throw new NodeOptionException($"--tunnel-timeout: '{text}' is not 0 (4 hellos, as the seed) nor a whole number of seconds in 2..3600");

    /// <summary>0 (off) or 0.3..60 s: below 3 probes one lost round trip would already bridge.</summary>
    static TimeSpan ProbeTimeoutSeconds(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && (v == 0 || v is >= 0.3 and <= 60)
            ? TimeSpan.FromSeconds(v)
            : throw new NodeOptionException($"--probe-timeout: '{text}' is not 0 (off) nor a number of seconds in 0.3..60");

    static TimeSpan Seconds(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && v < 1e7
            ? TimeSpan.FromSeconds(v)
            : throw new NodeOptionException($"{option}: '{text}' is not a positive number of seconds");

    static double Ratio(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
            ? v
            : throw new NodeOptionException($"--refresh-rate: '{text}' is not a ratio between 0 and 1");

    static Uri Url(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new NodeOptionException($"--registry: '{text}' is not an http:// or https:// URL");
}
