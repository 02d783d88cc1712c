namespace EventStore.Tests.Docs;

/// <summary>The clone the tests were built from: the folder above the test assembly that holds EventStore.sln.</summary>
internal static class RepositoryRoot
{
    public static string Folder { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EventStore.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"EventStore.sln was not found above {AppContext.BaseDirectory}.");
    }
}
