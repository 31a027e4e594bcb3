using System.Net;
using Vifibnet.Certificates;
using Vifibnet.Processes;

namespace Vifibnet.Lab;

/// <summary>A node of a <see cref="MeshLab"/>: its host, namespace, directory (certificate, peers.db, logs) and, while it runs, its `vifibnet node` process.</summary>
public sealed class MeshNode(LabNode host, string ns, string directory)
{
    public LabNode Host { get; } = host;
    public int Number => Host.Number;
    public string Namespace { get; } = ns;

    /// <summary>State and log directory: ca.pem, cert.crt, cert.key, peers.db, vifibnet.log, the control socket.</summary>
    public string Directory { get; } = directory;

    /// <summary>Known once registered.</summary>
    public NodeIdentity? Identity { get; internal set; }

    /// <summary>The node's overlay address (network prefix + node prefix, ::1).</summary>
    public IPAddress Address => Identity?.Address ?? throw new InvalidOperationException($"node {Number} is not registered yet");

    /// <summary>The node prefix in binary, as peer DBs and tunnels name it.</summary>
    public string Prefix => Identity?.Prefix.ToBinary() ?? throw new InvalidOperationException($"node {Number} is not registered yet");

    public ChildProcess? Process { get; internal set; }

    public bool Running => Process is { HasExited: false };

    public string Label => $"n{Number}";

    public override string ToString() => Label;
}
