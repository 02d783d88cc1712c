using System.Security.Cryptography;
using System.Text;

namespace EventStore.Dapper;

/// <summary>A configured name checked to be a plain PostgreSQL identifier, so configuration can never become SQL.</summary>
internal static class Identifier
{
    /// <summary>PostgreSQL truncates longer identifiers silently (NAMEDATALEN - 1).</summary>
    public const int MaxBytes = 63;

    /// <summary>Quotes a validated, possibly schema-qualified name: <c>"schema"."table"</c>.</summary>
    public static string Quote(QualifiedName name) =>
        name.Schema is null ? Quote(name.Name) : $"{Quote(name.Schema)}.{Quote(name.Name)}";

    public static string Quote(string part) => $"\"{part}\"";

    /// <summary>Splits <paramref name="value"/> at its one optional dot and validates each part.</summary>
    /// <exception cref="ArgumentException">The value is not a plain identifier or a schema-qualified one.</exception>
    public static QualifiedName ParseQualified(string? value, string setting)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"{setting} must name a table, but it is empty.", setting);
        }

        var parts = value.Split('.');
        return parts.Length switch
        {
            1 => new QualifiedName(null, Validate(parts[0], value, setting)),
            2 => new QualifiedName(Validate(parts[0], value, setting), Validate(parts[1], value, setting)),
            _ => throw new ArgumentException(
                $"{setting} '{value}' has more than one dot; use 'table' or 'schema.table'.", setting),
        };
    }

    /// <summary>Checks one unqualified identifier.</summary>
    /// <exception cref="ArgumentException">The value is not a plain identifier.</exception>
    public static string Validate(string part, string wholeValue, string setting)
    {
        if (part.Length == 0)
        {
            throw new ArgumentException($"{setting} '{wholeValue}' has an empty name part.", setting);
        }

        if (char.IsAsciiDigit(part[0]))
        {
            throw new ArgumentException($"{setting} '{wholeValue}' starts a name with a digit; identifiers start with a letter or '_'.", setting);
        }

        foreach (var character in part)
        {
            if (!char.IsAsciiLetterOrDigit(character) && character != '_')
            {
                throw new ArgumentException(
                    $"{setting} '{wholeValue}' contains '{character}'; only ASCII letters, digits and '_' are allowed in identifiers.", setting);
            }
        }

        // Only ASCII is allowed, so characters are bytes.
        if (part.Length > MaxBytes)
        {
            throw new ArgumentException(
                $"{setting} '{wholeValue}' has a name longer than {MaxBytes} bytes, which PostgreSQL would silently truncate.", setting);
        }

        return part;
    }

    /// <summary>
    /// Names a constraint or index after its table. PostgreSQL would silently truncate a name over <see cref="MaxBytes"/>,
    /// and errors are told apart by these exact names, so a long table name is cut here instead, with a hash of the
    /// whole name so that two long names sharing a prefix still give different derived names.
    /// </summary>
    public static string Derived(string table, string suffix)
    {
        if (table.Length + 1 + suffix.Length <= MaxBytes)
        {
            return $"{table}_{suffix}";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(table)), 0, 4);
        var stem = table[..(MaxBytes - suffix.Length - hash.Length - 2)];
        return $"{stem}_{hash}_{suffix}";
    }
}
