namespace EventStore.Tests.Docs;

/// <summary>A <c>snippet-context</c> comment, read and waiting for the C# block it belongs to.</summary>
/// <param name="Line">The markdown line the comment opens on.</param>
/// <param name="Variables">The variables it declares.</param>
/// <param name="FollowsPrevious">Whether it names the <c>previous block</c>.</param>
internal sealed record ContextComment(int Line, IReadOnlyList<ContextVariable> Variables, bool FollowsPrevious);
