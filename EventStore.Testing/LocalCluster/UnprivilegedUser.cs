namespace EventStore.Testing;

/// <summary>Picks the account a root process hands the server to, since initdb and postgres refuse root.</summary>
internal static class UnprivilegedUser
{
    private static readonly string[] Candidates = ["postgres", "nobody"];

    public static string Find()
    {
        var accounts = File.ReadLines("/etc/passwd")
            .Select(line => line.Split(':')[0])
            .ToHashSet(StringComparer.Ordinal);
        return Candidates.FirstOrDefault(accounts.Contains)
            ?? throw new InvalidOperationException(
                "This process runs as root, and initdb refuses root, but neither a 'postgres' nor a 'nobody' account exists to run the server as.");
    }
}
