using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Vifibnet.Tests.Support;

/// <summary>
/// A real SMTP server: Debian's python3-aiosmtpd writing each message into a Maildir.
/// Started on a free loopback port, killed (by its pid) on dispose.
/// </summary>
public sealed partial class SmtpServer : IDisposable
{
    readonly Process process;
    readonly TempDir dir = new();

    public int Port { get; }
    public string Maildir => dir.File("Maildir");
    public string HostAndPort => $"127.0.0.1:{Port}";

    public SmtpServer()
    {
        // Debian's python3 (where python3-aiosmtpd lives), not whatever python3 comes first on PATH.
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
            throw new Xunit.Sdk.XunitException("this test needs Debian's /usr/bin/python3 with aiosmtpd: apt-get install python3-aiosmtpd");
        Port = FreePort.Get();
        var start = new ProcessStartInfo(python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        process = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (process.HasExited)
                throw new Xunit.Sdk.XunitException($"aiosmtpd exited at once: {process.StandardError.ReadToEnd()} (apt-get install python3-aiosmtpd)");
            try
            {
                using var probe = new TcpClient("127.0.0.1", Port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Waits for a mail to this address and returns the token it carries.</summary>
    public string WaitForToken(string email, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var newDir = Path.Combine(Maildir, "new");
            if (Directory.Exists(newDir))
                foreach (var file in Directory.GetFiles(newDir))
                {
                    var text = File.ReadAllText(file);
                    if (!text.Contains(email, StringComparison.OrdinalIgnoreCase)) continue;
                    var match = TokenLine().Match(text);
                    if (match.Success) return match.Groups[1].Value;
                }
            Thread.Sleep(100);
        }
        var got = Directory.Exists(Path.Combine(Maildir, "new")) ? string.Join("\n---\n", Directory.GetFiles(Path.Combine(Maildir, "new")).Select(File.ReadAllText)) : "(no Maildir)";
        throw new Xunit.Sdk.XunitException($"no token mail for {email} arrived in {Maildir} within {timeout}; received:\n{got}");
    }

    public int MessageCount => Directory.Exists(Path.Combine(Maildir, "new")) ? Directory.GetFiles(Path.Combine(Maildir, "new")).Length : 0;

    [GeneratedRegex(@"^([A-Z2-7]{32})\s*$", RegexOptions.Multiline)]
    private static partial Regex TokenLine();

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        finally
        {
            process.Dispose();
            dir.Dispose();
        }
    }
}
