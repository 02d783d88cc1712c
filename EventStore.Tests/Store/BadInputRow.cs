using EventStore.Dapper;
using Npgsql;

namespace EventStore.Tests.Store;

/// <summary>One case of the bad-input matrix: a call that must fail with <paramref name="Exception"/> and change nothing.</summary>
/// <param name="Name">The row's readable name, which is also the test's argument.</param>
/// <param name="Exception">The exact type of the exception expected.</param>
/// <param name="Field">The field, parameter or setting that the message must name.</param>
/// <param name="Fragment">The part of the message that says what is wrong.</param>
/// <param name="Call">The call, on the fixture's store and a transaction begun on a new connection.</param>
/// <param name="SpoilTransaction">
/// What makes the transaction unusable before the call; <see langword="null"/> when it stays open, and must then still
/// work after the call.
/// </param>
internal sealed record BadInputRow(
    string Name,
    Type Exception,
    string Field,
    string Fragment,
    Func<PostgresEventStore, NpgsqlTransaction, Task> Call,
    Func<NpgsqlTransaction, Task>? SpoilTransaction = null);
