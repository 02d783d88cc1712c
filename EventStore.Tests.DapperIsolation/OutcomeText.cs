using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace EventStore.Tests.DapperIsolation;

/// <summary>
/// Describes a value with its runtime type, or an exception with its type and message, so that two outcomes are equal
/// exactly when an application would see the same thing: a <see cref="DateTime"/> in UTC and one of unspecified kind
/// differ, and so do a <see cref="DateTimeOffset"/> at +00:00 and the same instant at +02:00.
/// </summary>
internal static class OutcomeText
{
    public static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"string \"{text}\"",
        Guid id => $"Guid {id:D}",
        DateTime time => $"DateTime {time:O} ({time.Kind})",
        DateTimeOffset time => $"DateTimeOffset {time:O}",
        byte[] bytes => $"byte[] 0x{Convert.ToHexString(bytes)}",
        IDictionary<string, object> row => "row {" + string.Join(", ", row.Select(column => $"{column.Key}: {Describe(column.Value)}")) + "}",
        ITuple tuple => "(" + string.Join(", ", Enumerable.Range(0, tuple.Length).Select(index => Describe(tuple[index]))) + ")",
        IEnumerable items => $"{value.GetType().Name} [" + string.Join(", ", items.Cast<object?>().Select(Describe)) + "]",
        IFormattable formattable => $"{value.GetType().Name} {formattable.ToString(null, CultureInfo.InvariantCulture)}",
        _ => $"{value.GetType().Name} {value}",
    };

    public static string Describe(Exception failure)
    {
        var text = $"throws {failure.GetType().Name}: {failure.Message}";
        if (failure.InnerException is { } inner)
        {
            text += $" (inner {inner.GetType().Name}: {inner.Message})";
        }

        return text.ReplaceLineEndings(" ");
    }
}
