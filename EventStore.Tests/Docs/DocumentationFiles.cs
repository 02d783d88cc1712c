namespace EventStore.Tests.Docs;

/// <summary>
/// Every markdown file of the repository, found anew on each run, so a README or a note in docs/ added later is
/// checked without being listed anywhere.
/// </summary>
internal static class DocumentationFiles
{
    // Build output, packed packages and git's own files hold copies of the documentation, not the documentation.
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        ".git", "bin", "obj", "artifacts", "node_modules", "TestResults",
    };

    /// <summary>Returns the paths of the markdown files under the repository root, relative to it, with forward slashes.</summary>
    /// <returns>The relative paths, in ordinal order.</returns>
    public static IReadOnlyList<string> Find() =>
        Under(new DirectoryInfo(RepositoryRoot.Folder))
            .Select(file => Path.GetRelativePath(RepositoryRoot.Folder, file.FullName).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(RepositoryRoot.Folder, relativePath));

    private static IEnumerable<FileInfo> Under(DirectoryInfo folder) =>
        folder.EnumerateFiles("*.md")
            .Concat(folder.EnumerateDirectories()
                .Where(child => !SkippedFolders.Contains(child.Name))
                .SelectMany(Under));
}
