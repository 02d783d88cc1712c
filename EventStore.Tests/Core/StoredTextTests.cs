using System.Text;

namespace EventStore.Tests.Core;

public sealed class StoredTextTests
{
    // Built in code, not in attributes, which store strings as UTF-8 and so turn a lone surrogate into U+FFFD. Tests
    // are named by code points: the test host loses tests whose names hold lone surrogates, control characters or U+FFFF.
    private static readonly string[] Texts = ["\u007F", "\u0080", "\u07FF", "\u0800", "\uFFFF", "\U00010000", "\U0010FFFF", "a€é\U0001F600"];

    private static readonly (string Text, string Named)[] LoneSurrogates =
    [
        ("\uD800", "U+D800 at position 0"),
        ("\uDC00", "U+DC00 at position 0"),
        ("\uDC00\uD800", "U+DC00 at position 0"),
        ("\uD800\uD800\uDC00", "U+D800 at position 0"),
        ("\uD800\uDC00\uDC00", "U+DC00 at position 2"),
        ("ab\uD83D", "U+D83D at position 2"),
    ];

    public static IEnumerable<TestCaseData> TextCases => Texts.Select(text => new TestCaseData(text).SetArgDisplayNames(CodeUnits(text)));

    public static IEnumerable<TestCaseData> LoneSurrogateCases =>
        LoneSurrogates.Select(lone => new TestCaseData(lone.Text, lone.Named).SetArgDisplayNames(CodeUnits(lone.Text)));

    [TestCaseSource(nameof(TextCases))]
    public void Text_of_exactly_the_limit_in_UTF8_bytes_is_accepted_and_under_a_limit_one_byte_lower_it_is_not(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);

        StoredText.DescribeProblem(text, bytes).ShouldBeNull();
        StoredText.DescribeProblem(text, bytes - 1).ShouldBe(
            $"is {bytes} UTF-8 bytes long, over the limit of {bytes - 1} bytes that keeps index entries within PostgreSQL's limit.");
    }

    [TestCaseSource(nameof(LoneSurrogateCases))]
    public void A_lone_surrogate_is_named_with_its_position(string text, string named)
    {
        StoredText.DescribeProblem(text, 100).ShouldBe($"contains a lone UTF-16 surrogate {named}, which has no UTF-8 encoding.");
    }

    [Test]
    public void An_argument_is_named_by_its_expression()
    {
        var aggregateId = "a\0";

        var error = Should.Throw<ArgumentException>(() => StoredText.ThrowIfInvalidArgument(aggregateId, 10));

        error.ParamName.ShouldBe("aggregateId");
        error.Message.ShouldStartWith("aggregateId is invalid: it contains U+0000 at position 1");
    }

    private static string CodeUnits(string text) => string.Join(' ', text.Select(unit => $"U+{(int)unit:X4}"));
}
