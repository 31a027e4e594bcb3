namespace Vifibnet.OpenVpn;

/// <summary>
/// The one shell script every openvpn of a node calls (the seed used Python for this). openvpn sets
/// $script_type: `up` brings the tap link up (babel needs its link-local address); on a server,
/// `client-connect` pushes to the client the address it was seen at; on a client, `route-up` writes
/// that pushed address where the daemon reads it: the seed's way of learning its external IP.
/// </summary>
public static class HookScript
{
    public static string Text(string ipProgram, string runDir) => $$"""
        #!/bin/sh
        # Written by the vifibnet node daemon at each start; openvpn runs it with --script-security 2.
        case "$script_type" in
        up)
            # No duplicate address detection on a tap: babel needs its link-local address, usable now rather than after DAD's second or two.
            echo 0 > /proc/sys/net/ipv6/conf/"$dev"/accept_dad 2>/dev/null
            exec '{{ipProgram}}' link set dev "$dev" up ;;
        client-connect)
            seen="${trusted_ip:-$trusted_ip6}"
            [ -n "$seen" ] && printf 'push "setenv-safe external_ip %s"\n' "$seen" > "$1" ;;
        route-up)
            [ -n "$OPENVPN_external_ip" ] && printf '%s\n' "$OPENVPN_external_ip" > '{{runDir}}'/"$dev.external-ip" ;;
        esac
        exit 0

        """;

    /// <summary>Writes the script (mode 0700) and returns its path.</summary>
    public static string Write(string path, string ipProgram)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Text(ipProgram, Path.GetDirectoryName(path)!));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
