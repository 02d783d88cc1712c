using System.Globalization;

namespace EventStore.Dapper;

/// <summary>Writes the schema the store needs as a SQL migration, rendered by the same <see cref="SqlDialect"/> the store uses.</summary>
public static class MigrationEmitter
{
    /// <summary>The file name pattern of a migration written without an explicit name.</summary>
    public const string DefaultFileNameFormat = "yyyyMMddHHmmss'_init_event_sourcing.sql'";

    /// <summary>Renders the idempotent DDL for the tables named in <paramref name="options"/>.</summary>
    /// <param name="options">The table names.</param>
    /// <returns>The DDL.</returns>
    /// <exception cref="ArgumentException">A table name is not a plain PostgreSQL identifier.</exception>
    public static string Render(EventStoreOptions options) => new SqlDialect(options).Schema;

    /// <summary>Writes the DDL to a new file in <paramref name="folder"/>, creating the folder if needed.</summary>
    /// <param name="options">The table names.</param>
    /// <param name="folder">The folder to write into.</param>
    /// <param name="fileName">The file name; <see langword="null"/> for <c>yyyyMMddHHmmss_init_event_sourcing.sql</c> in UTC.</param>
    /// <returns>The path of the written file.</returns>
    /// <exception cref="ArgumentException">A table name is invalid, or <paramref name="fileName"/> is not a plain file name.</exception>
    /// <exception cref="IOException">The file already exists; a migration is never overwritten.</exception>
    public static string Write(EventStoreOptions options, string folder, string? fileName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var schema = Render(options);
        fileName ??= DateTime.UtcNow.ToString(DefaultFileNameFormat, CultureInfo.InvariantCulture);
        if (!IsPlainFileName(fileName))
        {
            throw new ArgumentException($"'{fileName}' is not a plain file name; pass the folder separately.", nameof(fileName));
        }

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using var writer = new StreamWriter(file);
        writer.Write(schema);
        return path;
    }

    /// <summary>
    /// A name for a file directly in the folder. Both separators are refused on every platform, so a Windows path given
    /// on Linux does not become a file with backslashes in its name.
    /// </summary>
    internal static bool IsPlainFileName(string fileName) =>
        fileName.Length > 0
        && fileName is not ("." or "..")
        && fileName.IndexOfAny(['/', '\\']) < 0
        && fileName.IndexOfAny(Path.GetInvalidFileNameChars()) < 0;
}
