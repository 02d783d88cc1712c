namespace EventStore.Testing;

/// <summary>Finds the folder that holds <c>initdb</c> and <c>postgres</c>.</summary>
internal static class PostgresBinaries
{
    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>The first folder on PATH with both programs, else the newest Debian-style installation, else null.</summary>
    public static string? Find() => FindOnPath() ?? FindNewestInstalled();

    private static string? FindOnPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(HasServerPrograms);
    }

    private static string? FindNewestInstalled()
    {
        if (!Directory.Exists(DebianRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(DebianRoot)
            .Select(versionFolder => (Version: MajorVersion(versionFolder), Bin: Path.Combine(versionFolder, "bin")))
            .Where(candidate => candidate.Version is not null && HasServerPrograms(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static int? MajorVersion(string versionFolder) =>
        int.TryParse(Path.GetFileName(versionFolder), out var major) ? major : null;

    private static bool HasServerPrograms(string folder) =>
        File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "postgres"));
}
