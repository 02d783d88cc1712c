namespace EventStore.Tests.Model;

/// <summary>
/// A run broke an invariant. FsCheck reports the message under the shrunk program, so it names the invariant and lists
/// what every command did.
/// </summary>
internal sealed class ModelViolationException(string message) : Exception(message);
