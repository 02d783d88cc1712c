namespace EventStore.Testing;

/// <summary>Picks the account a root process hands a server to, since initdb, postgres and pgbouncer refuse root.</summary>
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
                "This process runs as root, which initdb, postgres and pgbouncer refuse, but neither a 'postgres' nor a 'nobody' account exists to run them as.");
    }
}
