using System.Net.Sockets;
using System.Text;

namespace Vifibnet.OpenVpn;

/// <summary>
/// One request to openvpn's management interface on its unix socket: connect, send a command, read
/// the answer (lines up to END, or one SUCCESS:/ERROR: line), disconnect. Real-time notifications
/// (lines starting with '>') are skipped: the daemon polls, which survives openvpn restarts for free.
/// </summary>
public static class ManagementClient
{
    public static async Task<IReadOnlyList<string>> QueryAsync(string socketPath, string command, TimeSpan timeout, CancellationToken cancel = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cts.Token).ConfigureAwait(false);
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\n"), cts.Token).ConfigureAwait(false);
            var lines = new List<string>();
            while (await reader.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith('>')) continue;
                if (line.StartsWith("SUCCESS:") || line.StartsWith("ERROR:"))
                {
                    if (line.StartsWith("ERROR:")) throw new ManagementException($"openvpn ({socketPath}) refused '{command}': {line}");
                    lines.Add(line);
                    return lines;
                }
                if (line == "END") return lines;
                lines.Add(line);
            }
            throw new ManagementException($"openvpn ({socketPath}) closed the management connection during '{command}'");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new ManagementException($"openvpn ({socketPath}) did not answer '{command}' within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            throw new ManagementException($"cannot reach openvpn's management socket {socketPath}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ManagementException($"openvpn's management socket {socketPath} failed: {e.Message}", e);
        }
    }
}
