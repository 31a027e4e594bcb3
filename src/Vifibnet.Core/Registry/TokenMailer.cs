using System.Globalization;
using System.Net.Mail;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>Sends registration tokens by e-mail through the SMTP server given by --mailhost (host or host:port).</summary>
public sealed class TokenMailer(string mailHost, string from = "vifibnet-registry@localhost")
{
    public string MailHost { get; } = mailHost;

    public (string Host, int Port) Endpoint { get; } = ParseHost(mailHost);

    public static (string Host, int Port) ParseHost(string mailHost)
    {
        var text = mailHost.Trim();
        // host, host:port, [v6]:port, or a bare v6 address (more than one colon, no brackets).
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) throw new ArgumentException($"mail host '{mailHost}' has no closing ']'");
            var host = text[1..close];
            var rest = text[(close + 1)..];
            return (host, rest.StartsWith(':') ? ParsePort(rest[1..], mailHost) : 25);
        }
        var colon = text.LastIndexOf(':');
        if (colon > 0 && text.IndexOf(':') == colon)
            return (text[..colon], ParsePort(text[(colon + 1)..], mailHost));
        return (text, 25);
    }

    static int ParsePort(string text, string mailHost) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"mail host '{mailHost}' has an invalid port '{text}'");

    /// <summary>Delivers the token; throws <see cref="RequestRefusedException"/> (mail_failed) naming the mail host when it cannot.</summary>
    public async Task SendTokenAsync(string email, string token, string networkName, CancellationToken cancel)
    {
        using var message = new MailMessage(from, email)
        {
            Subject = $"Vifibnet registration token for {networkName}",
            Body = $"Your registration token for the Vifibnet network {networkName} is:\n\n{token}\n\n" +
                   "Use it once with 'vifibnet setup --token TOKEN' or 'Register-VifibNode -Token TOKEN'.\n" +
                   "It expires one day after it was sent.\n",
            // Plain 7-bit text keeps the token on a line of its own, readable by any mail reader or script.
            BodyEncoding = System.Text.Encoding.ASCII,
            BodyTransferEncoding = System.Net.Mime.TransferEncoding.SevenBit,
        };
        using var client = new SmtpClient(Endpoint.Host, Endpoint.Port) { Timeout = 15_000, DeliveryMethod = SmtpDeliveryMethod.Network };
        try
        {
            await client.SendMailAsync(message, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SmtpException or InvalidOperationException or System.Net.Sockets.SocketException or IOException)
        {
            throw new RequestRefusedException(RegistryErrorCode.MailFailed,
                $"could not send the token mail through mail host {Endpoint.Host}:{Endpoint.Port}: {e.Message}{(e.InnerException is null ? "" : " (" + e.InnerException.Message + ")")}", e);
        }
    }
}
