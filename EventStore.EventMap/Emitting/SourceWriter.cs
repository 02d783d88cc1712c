using System.Text;

namespace EventStore.EventMap.Emitting;

/// <summary>Writes indented C# with LF line ends, so generated files are the same on every platform.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4).Append(line);
        }

        _text.Append('\n');
    }

    public void Lines(string lines)
    {
        foreach (var line in lines.Split('\n'))
        {
            Line(line.TrimEnd('\r'));
        }
    }

    public void Open(string header)
    {
        Line(header);
        Line("{");
        _depth++;
    }

    public void Close(string suffix = "")
    {
        _depth--;
        Line("}" + suffix);
    }

    public override string ToString() => _text.ToString();
}
