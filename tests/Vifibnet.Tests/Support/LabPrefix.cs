using System.Security.Cryptography;
using System.Text;

namespace Vifibnet.Tests.Support;

/// <summary>
/// The namespace prefix of this checkout's namespace tests: "vd-" and 3 hex digits of a hash of the
/// test directory. Two checkouts on one machine running the mesh tests at once never touch each
/// other's namespaces, and a run cleans up what an earlier, killed run of the same checkout left.
/// </summary>
public static class LabPrefix
{
    public static string ForThisCheckout { get; } =
        "vd-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AppContext.BaseDirectory)))[..3] + "-";
}
