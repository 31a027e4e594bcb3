using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Vifibnet.PowerShell;

/// <summary>Tab completion that offers what a parameter takes, never file names.</summary>
abstract class ListCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<(string Value, string Tip)> Candidates();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = wordToComplete.Trim('\'', '"');
        foreach (var (value, tip) in Candidates())
            if (value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(value.Contains(' ') ? $"'{value}'" : value, value, CompletionResultType.ParameterValue, tip);
    }
}

/// <summary>-LogLevel: the seed's -v levels.</summary>
sealed class LogLevelCompleter : ListCompleter
{
    protected override IEnumerable<(string, string)> Candidates() =>
        [("0", "errors only"), ("1", "warnings (default)"), ("2", "info"), ("3", "debug"), ("4", "more debug"), ("5", "trace")];
}

/// <summary>-Pp: the openvpn servers' PORT/PROTO.</summary>
sealed class ServerEndpointCompleter : ListCompleter
{
    protected override IEnumerable<(string, string)> Candidates() =>
        [("1194/udp", "openvpn server on UDP 1194"), ("1194/tcp-server", "openvpn server on TCP 1194"),
         ("1194/udp6", "openvpn server on UDP 1194, IPv6 and IPv4"), ("1194/tcp6-server", "openvpn server on TCP 1194, IPv6 and IPv4")];
}

/// <summary>-Ip: this machine's addresses as ADDRESS:PORT/PROTO.</summary>
sealed class AdvertisedEndpointCompleter : ListCompleter
{
    protected override IEnumerable<(string, string)> Candidates() =>
        from nic in NetworkInterface.GetAllNetworkInterfaces()
        where nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback
        from a in nic.GetIPProperties().UnicastAddresses
        where a.Address.AddressFamily == AddressFamily.InterNetwork || (a.Address.AddressFamily == AddressFamily.InterNetworkV6 && !a.Address.IsIPv6LinkLocal)
        let host = a.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a.Address}]" : a.Address.ToString()
        from proto in new[] { "udp", "tcp-client" }
        select ($"{host}:1194/{proto}", $"advertise {a.Address} ({nic.Name}) port 1194 {proto}");
}

/// <summary>-Interface: this machine's network interfaces.</summary>
sealed class InterfaceCompleter : ListCompleter
{
    protected override IEnumerable<(string, string)> Candidates() =>
        NetworkInterface.GetAllNetworkInterfaces().Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .Select(n => (n.Name, $"{n.Name} ({n.OperationalStatus})"));
}
