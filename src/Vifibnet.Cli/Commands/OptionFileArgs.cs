namespace Vifibnet.Cli.Commands;

/// <summary>
/// `@file` for commands other than `node` (whose parser reads files itself, with per-option arity):
/// each line "name value..." becomes "--name value..."; "#" starts a comment; "@other" includes a
/// file relative to this one. The systemd units hand `vifibnet registry @/etc/vifibnet/registry.conf`.
/// </summary>
public static class OptionFileArgs
{
    public static string[] Expand(IEnumerable<string> args) =>
        [.. args.SelectMany(a => a.StartsWith('@') && a.Length > 1 ? Read(Path.GetFullPath(a[1..]), []) : [a])];

    static IEnumerable<string> Read(string path, HashSet<string> open)
    {
        if (!open.Add(path)) throw new UsageException($"@{path} includes itself");
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read option file '{path}': {e.Message}");
        }
        var words = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.Split('#')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (line.Length == 0) continue;
            if (line[0].StartsWith('@')) words.AddRange(Read(Path.GetFullPath(line[0][1..], Path.GetDirectoryName(path)!), open));
            else words.AddRange([line[0].StartsWith('-') ? line[0] : "--" + line[0], .. line[1..]]);
        }
        open.Remove(path);
        return words;
    }
}
