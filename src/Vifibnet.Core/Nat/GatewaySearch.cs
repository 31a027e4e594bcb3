namespace Vifibnet.Nat;

/// <summary>
/// What a gateway search found: the usable gateway (null when none), how many devices answered
/// SSDP, and what was wrong with each one that could not be used (URL and reason).
/// </summary>
public sealed record GatewaySearch(IgdClient? Gateway, int Answers, IReadOnlyList<string> Problems)
{
    /// <summary>One line for the log and the status: why there is no gateway.</summary>
    public string Summary => Gateway is not null
        ? $"gateway {Gateway.Service}"
        : Answers == 0
            ? "no UPnP gateway answered on the LAN"
            : $"{Answers} UPnP device(s) answered but none is usable: {string.Join("; ", Problems)}";
}
