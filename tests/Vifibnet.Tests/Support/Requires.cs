using System.Diagnostics;
using Xunit.Sdk;

namespace Vifibnet.Tests.Support;

/// <summary>
/// Preconditions of the tests that drive real system parts. When one is missing the test fails
/// loudly, naming what to do: never a silent skip. CI runs as root with scripts/install-deps.sh done.
/// </summary>
public static class Requires
{
    public static void Root()
    {
        if (!Vifibnet.Lab.NetworkLab.RunningAsRoot)
            throw new XunitException("this test needs root (network namespaces, tap devices): run scripts/test.sh as root, as CI does");
    }

    /// <summary>Fails unless the program is on PATH, naming the Debian package to install.</summary>
    public static string Tool(string program, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            var path = Path.Combine(dir, program);
            if (File.Exists(path)) return path;
        }
        throw new XunitException($"this test needs '{program}': apt-get install {debianPackage} (scripts/install-deps.sh does it)");
    }
}
