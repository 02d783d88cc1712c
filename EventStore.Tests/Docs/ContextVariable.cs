namespace EventStore.Tests.Docs;

/// <summary>A variable a snippet uses but does not declare, such as the <c>dataSource</c> an earlier block opened.</summary>
/// <param name="Type">The variable's type, resolved with the snippet's own using directives.</param>
/// <param name="Name">The variable's name.</param>
/// <param name="Line">The markdown line that declares it, so a mistake in the declaration is reported there.</param>
internal sealed record ContextVariable(string Type, string Name, int Line);
