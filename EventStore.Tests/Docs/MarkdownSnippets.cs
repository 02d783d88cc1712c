using Microsoft.CodeAnalysis.CSharp;

namespace EventStore.Tests.Docs;

/// <summary>
/// Reads the C# blocks of one markdown file. A block may be preceded, directly or after blank lines, by an HTML comment
/// that GitHub does not render, saying what the block assumes from code the reader already has:
/// <c>&lt;!-- snippet-context: previous block; NpgsqlDataSource dataSource; CancellationToken stoppingToken --&gt;</c>.
/// Each item, separated by semicolons or line breaks, is either <c>previous block</c>, which compiles the file's
/// previous C# block (one that declares types) alongside, or a variable as <c>Type name</c>.
/// </summary>
internal sealed class MarkdownSnippets
{
    private const string ContextOpening = "<!-- snippet-context:";
    private const string CommentClosing = "-->";
    private const string PreviousBlock = "previous block";

    private readonly string _file;
    private readonly string[] _lines;
    private readonly List<Snippet> _snippets = [];
    private int _index;
    private ContextComment? _pending;

    private MarkdownSnippets(string file, string markdown)
    {
        _file = file;
        _lines = markdown.ReplaceLineEndings("\n").Split('\n');
    }

    /// <summary>Returns the C# blocks of a markdown file, in order; blocks in other languages are skipped.</summary>
    /// <param name="file">The file's path, used in snippet names and error messages.</param>
    /// <param name="markdown">The file's text.</param>
    /// <returns>The blocks with their context.</returns>
    /// <exception cref="FormatException">A <c>snippet-context</c> comment is malformed or not followed by a C# block.</exception>
    public static IReadOnlyList<Snippet> Read(string file, string markdown)
    {
        var reader = new MarkdownSnippets(file, markdown);
        reader.ReadAll();
        return reader._snippets;
    }

    private void ReadAll()
    {
        while (_index < _lines.Length)
        {
            var line = _lines[_index];
            if (line.TrimStart().StartsWith(ContextOpening, StringComparison.Ordinal))
            {
                RejectPendingContext();
                _pending = ReadContextComment();
            }
            else if (Fence.Open(line) is { } fence)
            {
                ReadBlock(fence);
            }
            else
            {
                if (line.Trim().Length > 0)
                {
                    RejectPendingContext();
                }

                _index++;
            }
        }

        RejectPendingContext();
    }

    private void ReadBlock(Fence fence)
    {
        var fenceLine = _index + 1;
        var code = new List<string>();
        for (_index++; _index < _lines.Length && !fence.IsClosedBy(_lines[_index]); _index++)
        {
            code.Add(fence.Unindent(_lines[_index]));
        }

        _index++;
        if (!fence.IsCsharp)
        {
            RejectPendingContext();
            return;
        }

        var context = _pending ?? new ContextComment(fenceLine, [], FollowsPrevious: false);
        var previous = context.FollowsPrevious
            ? _snippets.LastOrDefault() ?? throw Malformed(fenceLine, $"the block names its '{PreviousBlock}', but it is the first C# block")
            : null;
        _snippets.Add(new Snippet(_file, fenceLine, string.Join('\n', code), context.Variables, previous));
        _pending = null;
    }

    private ContextComment ReadContextComment()
    {
        var line = _index + 1;
        var variables = new List<ContextVariable>();
        var followsPrevious = false;
        var text = _lines[_index].TrimStart()[ContextOpening.Length..];
        while (true)
        {
            var closing = text.IndexOf(CommentClosing, StringComparison.Ordinal);
            foreach (var item in (closing < 0 ? text : text[..closing]).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (item == PreviousBlock)
                {
                    followsPrevious = true;
                }
                else
                {
                    variables.Add(Variable(item, _index + 1));
                }
            }

            _index++;
            if (closing >= 0)
            {
                return new ContextComment(line, variables, followsPrevious);
            }

            if (_index == _lines.Length)
            {
                throw Malformed(line, "a snippet-context comment is not closed");
            }

            text = _lines[_index];
        }
    }

    private ContextVariable Variable(string item, int line)
    {
        var split = item.LastIndexOfAny([' ', '\t']);
        var type = split < 0 ? string.Empty : item[..split].Trim();
        var name = split < 0 ? string.Empty : item[(split + 1)..];
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFactory.ParseTypeName(type, consumeFullText: true).ContainsDiagnostics)
        {
            throw Malformed(line, $"'{item}' is neither '{PreviousBlock}' nor a variable such as 'NpgsqlDataSource dataSource'");
        }

        return new ContextVariable(type, name, line);
    }

    private void RejectPendingContext()
    {
        if (_pending is not null)
        {
            throw Malformed(_pending.Line, "a snippet-context comment is not directly followed by a C# block");
        }
    }

    private FormatException Malformed(int line, string problem) => new($"{_file}:{line}: {problem}.");
}
