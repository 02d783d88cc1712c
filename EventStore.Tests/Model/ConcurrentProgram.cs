namespace EventStore.Tests.Model;

/// <summary>
/// Commands for several connections that run concurrently with each other; a connection runs its own commands in
/// the order they appear, each in a transaction of its own.
/// </summary>
internal sealed class ConcurrentProgram(IReadOnlyList<AppendCommand> commands)
{
    public IReadOnlyList<AppendCommand> Commands { get; } = commands;

    /// <summary>Each connection's commands, in order.</summary>
    public IEnumerable<IReadOnlyList<AppendCommand>> Connections =>
        Commands.GroupBy(command => command.Connection).OrderBy(group => group.Key).Select(group => group.ToList());

    /// <summary>One command a line, grouped by connection.</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, Connections.SelectMany(connection => connection).Select(command => "  " + command));
}
