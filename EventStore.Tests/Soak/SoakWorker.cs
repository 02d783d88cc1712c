using System.Data;
using EventStore.Tests.Store;
using Npgsql;

namespace EventStore.Tests.Soak;

/// <summary>
/// One soak connection: appends and reads in a loop, each in its own transaction, cancels some of them, and opens a
/// new connection whenever its current one is lost.
/// </summary>
internal sealed class SoakWorker(int id, StoreDatabase db, SoakLedger ledger, string[] aggregates, Random random)
{
    public const string AggregateType = "Soak";

    private readonly Dictionary<string, long> _seenVersions = [];
    private readonly Lock _gate = new();
    private NpgsqlConnection? _connection;
    private int _generation;
    private int _processId;
    private long _seenPosition;

    /// <summary>The server process of the worker's current connection, and which of its connections that is.</summary>
    public (int ProcessId, int Generation) Backend
    {
        get
        {
            lock (_gate)
            {
                return (_processId, _generation);
            }
        }
    }

    public async Task RunAsync(Func<bool> keepGoing)
    {
        try
        {
            while (keepGoing())
            {
                var connection = await ConnectedAsync();
                var mode = PickMode();
                using var cancellation = new CancellationTokenSource();
                if (mode == CancellationMode.During)
                {
                    cancellation.CancelAfter(random.Next(0, 4));
                }

                if (random.Next(10) < 7)
                {
                    await AppendAsync(connection, mode, cancellation);
                }
                else
                {
                    await ReadAsync(connection, mode, cancellation);
                }
            }
        }
        finally
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
    }

    private async Task<NpgsqlConnection> ConnectedAsync()
    {
        if (_connection is { State: ConnectionState.Open })
        {
            return _connection;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            ledger.Reconnected();
        }

        _connection = await db.OpenConnectionAsync();
        lock (_gate)
        {
            _processId = _connection.ProcessID;
            _generation++;
        }

        return _connection;
    }

    private CancellationMode PickMode() => random.Next(20) switch
    {
        < 3 => CancellationMode.Before,
        < 7 => CancellationMode.During,
        _ => CancellationMode.None,
    };

    private async Task AppendAsync(NpgsqlConnection connection, CancellationMode mode, CancellationTokenSource cancellation)
    {
        var (aggregateId, expected) = PickTarget();
        var events = AppendTestSupport.Events(AggregateType, aggregateId, random.Next(1, 6));
        var generation = Backend.Generation;
        try
        {
            var result = await AppendAndCommitAsync(connection, expected, events, mode, cancellation);
            ledger.Record(new RecordedAppend(id, generation, events, result, null));
            _seenVersions[aggregateId] = result.ToVersion;
        }
        catch (Exception failure) when (failure is OptimisticConcurrencyException or OperationCanceledException or NpgsqlException)
        {
            ledger.Record(new RecordedAppend(id, generation, events, null, failure));
            CountCancellation(failure);
        }
    }

    /// <summary>Mostly <c>Any</c>; sometimes <c>Exact</c> at the version this worker last saw, or <c>NoStream</c> on a new or a busy aggregate.</summary>
    private (string AggregateId, ExpectedVersion Expected) PickTarget()
    {
        var aggregateId = aggregates[random.Next(aggregates.Length)];
        return random.Next(20) switch
        {
            < 3 => (aggregateId, ExpectedVersion.Exact(_seenVersions.GetValueOrDefault(aggregateId))),
            3 => ($"{aggregateId}-new-{Guid.NewGuid():N}", ExpectedVersion.NoStream),
            4 => (aggregateId, ExpectedVersion.NoStream),
            _ => (aggregateId, ExpectedVersion.Any),
        };
    }

    private async Task<AppendResult> AppendAndCommitAsync(
        NpgsqlConnection connection, ExpectedVersion expected, Event[] events, CancellationMode mode, CancellationTokenSource cancellation)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellation.Token);
        if (mode == CancellationMode.Before)
        {
            await cancellation.CancelAsync();
        }

        var result = await db.Store.AppendAsync(transaction, expected, events, cancellation.Token);
        await transaction.CommitAsync(cancellation.Token);
        return result;
    }

    private async Task ReadAsync(NpgsqlConnection connection, CancellationMode mode, CancellationTokenSource cancellation)
    {
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation.Token);
            if (mode == CancellationMode.Before)
            {
                await cancellation.CancelAsync();
            }

            if (random.Next(2) == 0)
            {
                await ReadStreamAsync(transaction, cancellation.Token);
            }
            else
            {
                await ReadGlobalAsync(transaction, cancellation.Token);
            }

            await transaction.CommitAsync(cancellation.Token);
            ledger.Read();
        }
        catch (Exception failure) when (failure is OperationCanceledException or NpgsqlException)
        {
            CountCancellation(failure);
        }
    }

    /// <summary>A stream read inside the race must already show the versions contiguous from 1.</summary>
    private async Task ReadStreamAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var aggregateId = aggregates[random.Next(aggregates.Length)];
        var stream = await db.Store.ReadAggregateStreamAsync(transaction, AggregateType, aggregateId, cancellationToken: cancellationToken);
        if (!stream.Events.Select(e => e.AggregateVersion).SequenceEqual(AppendTestSupport.Contiguous(stream.Count)))
        {
            ledger.ReadAnomaly($"{aggregateId} was read with versions {string.Join(",", stream.Events.Select(e => e.AggregateVersion))}");
        }

        _seenVersions[aggregateId] = stream.Version;
    }

    /// <summary>A page of the global log must come in strictly increasing positions.</summary>
    private async Task ReadGlobalAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var from = _seenPosition > 100 ? _seenPosition - random.Next(100) : 0;
        var page = await db.Store.ReadEventsAsync(transaction, from, 200, cancellationToken);
        if (page.Zip(page.Skip(1)).Any(pair => pair.Second.GlobalPosition <= pair.First.GlobalPosition))
        {
            ledger.ReadAnomaly($"a page from position {from} is out of order");
        }

        _seenPosition = page.Count == 0 ? _seenPosition : page[^1].GlobalPosition;
    }

    /// <summary>
    /// Counts a cancellation that took effect: one the server acknowledged by cancelling a running statement, or one
    /// Npgsql honoured before it sent anything.
    /// </summary>
    private void CountCancellation(Exception failure)
    {
        if (failure is OperationCanceledException)
        {
            ledger.Cancelled(inFlight: failure.InnerException is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled });
        }
    }
}
