namespace Vifibnet.Setup;

/// <summary>The node directory: created if needed, proved writable before anything is asked of the registry.</summary>
static class SetupDirectory
{
    /// <summary>Creates the directory if missing and checks a file can be written in it; returns whether it was created.</summary>
    public static bool Prepare(string directory)
    {
        var created = !Directory.Exists(directory);
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".vifibnet-write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return created;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SetupException(SetupErrorKind.DirectoryNotWritable, $"directory '{directory}' is not writable: {e.Message}", e);
        }
    }

    /// <summary>Removes a directory this setup created, when it failed before writing anything into it.</summary>
    public static void RemoveIfEmpty(string directory, bool created)
    {
        try
        {
            if (created && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
                Directory.Delete(directory);
        }
        catch (IOException) { }
    }
}
