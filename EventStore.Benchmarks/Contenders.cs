using EventStore.Dapper;

namespace EventStore.Benchmarks;

/// <summary>The operations each benchmark times, one per contender, so every scenario calls them the same way.</summary>
internal static class Contenders
{
    public static readonly PostgresEventStore Store = new();

    public static async Task OursAppendAsync(int count)
    {
        var events = SampleEvents.For(SampleEvents.NewAggregateId("ours"), count);
        await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await Store.AppendAsync(transaction, ExpectedVersion.Any, events).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public static async Task RawTwoTablesAppendAsync(int count)
    {
        var events = SampleEvents.For(SampleEvents.NewAggregateId("raw2"), count);
        await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await RawSql.AppendTwoTablesAsync(connection, events).ConfigureAwait(false);
    }

    public static async Task RawSingleTableAppendAsync(int count)
    {
        var events = SampleEvents.For(SampleEvents.NewAggregateId("raw1"), count);
        await using var connection = await BenchEnvironment.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await RawSql.AppendSingleTableAsync(connection, events).ConfigureAwait(false);
    }

    public static async Task MartenAppendAsync(int count)
    {
        await using var session = BenchEnvironment.Marten.LightweightSession();
        session.Events.Append(SampleEvents.NewAggregateId("marten"), SampleEvents.ForMarten(count));
        await session.SaveChangesAsync().ConfigureAwait(false);
    }
}
