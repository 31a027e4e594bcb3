namespace Vifibnet.Logging;

/// <summary>
/// Writes a file completely or not at all: into a temporary name beside it, then renamed over it (a node's
/// credentials at setup, its CRL and network configuration). Beside <see cref="OwnerOnly"/>: the files the
/// daemon keeps, at the bottom of the layers so every folder can use it.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            writeTo(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));
}
