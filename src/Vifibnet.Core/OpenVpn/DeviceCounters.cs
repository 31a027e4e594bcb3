using System.Globalization;

namespace Vifibnet.OpenVpn;

/// <summary>A network device's byte counters from /sys/class/net (zero once the device is gone).</summary>
public static class DeviceCounters
{
    public static (long Rx, long Tx) Read(string device) => (Read(device, "rx_bytes"), Read(device, "tx_bytes"));

    static long Read(string device, string counter)
    {
        try
        {
            var text = File.ReadAllText($"/sys/class/net/{device}/statistics/{counter}");
            return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
