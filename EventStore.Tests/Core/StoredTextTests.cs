using System.Text;

namespace EventStore.Tests.Core;

public sealed class StoredTextTests
{
    // Built in code: attribute arguments are stored as UTF-8, which turns a lone surrogate into U+FFFD.
    private static readonly object[][] LoneSurrogates =
    [
        ["\uD800", "U+D800 at position 0"],
        ["\uDC00", "U+DC00 at position 0"],
        ["\uDC00\uD800", "U+DC00 at position 0"],
        ["\uD800\uD800\uDC00", "U+D800 at position 0"],
        ["\uD800\uDC00\uDC00", "U+DC00 at position 2"],
        ["ab\uD83D", "U+D83D at position 2"],
    ];

    [TestCase("\u007F")]
    [TestCase("\u0080")]
    [TestCase("\u07FF")]
    [TestCase("\u0800")]
    [TestCase("\uFFFF")]
    [TestCase("\U00010000")]
    [TestCase("\U0010FFFF")]
    [TestCase("a€é\U0001F600")]
    public void Text_of_exactly_the_limit_in_UTF8_bytes_is_accepted_and_under_a_limit_one_byte_lower_it_is_not(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);

        StoredText.DescribeProblem(text, bytes).ShouldBeNull();
        StoredText.DescribeProblem(text, bytes - 1).ShouldBe(
            $"is {bytes} UTF-8 bytes long, over the limit of {bytes - 1} bytes that keeps index entries within PostgreSQL's limit.");
    }

    [TestCaseSource(nameof(LoneSurrogates))]
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
}
