using EventStore.Dapper;
using Npgsql;
using static EventStore.Tests.Store.AppendTestSupport;
using static EventStore.Tests.Store.ReadTestSupport;

namespace EventStore.Tests.Consumers;

/// <summary>
/// The opt-in poison-event policy, <see cref="PoisonEventHandling.DeadLetter"/>: the poison event is recorded as a dead
/// letter in the transaction that moves the checkpoint past it, the consumer goes on, and the letter can be replayed.
/// </summary>
[TestFixtureSource(typeof(ProcessorSetup), nameof(ProcessorSetup.Supported))]
public sealed class DeadLetterTests(ProcessorSetup setup)
{
    private const int MaxAttempts = 2;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    // Records which transaction moved the checkpoint to which position, to compare with the dead letter's.
    private const string RecordCheckpointMoves = """
        CREATE TABLE checkpoint_moves (position BIGINT NOT NULL, transaction_id BIGINT NOT NULL);
        CREATE FUNCTION record_checkpoint_move() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO checkpoint_moves VALUES (NEW.global_position, txid_current());
            RETURN NEW;
        END $$;
        CREATE TRIGGER record_checkpoint_move AFTER UPDATE OF global_position ON consumer_checkpoints
            FOR EACH ROW WHEN (NEW.global_position <> OLD.global_position) EXECUTE FUNCTION record_checkpoint_move();
        """;

    [Test]
    public async Task The_poison_event_is_dead_lettered_in_the_transaction_that_moves_the_checkpoint_past_it_and_the_events_after_it_are_handled()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        await FailureRows.ExecuteAsync(db, RecordCheckpointMoves);
        var stored = await db.AppendAsync(Events("Order", NewId(), 6));
        var poison = stored[2];
        var consumer = FailingOn(poison, () => new InvalidOperationException("The handler cannot handle this event."));

        db.Start("instance-a", Options(db), consumer);
        await db.WaitUntilCheckpointAsync(SeenConsumer.DefaultName, stored[^1].GlobalPosition, Bound);

        (await db.SeenAsync()).Select(row => row.EventId).ShouldBe(stored.Where(e => e != poison).Select(e => e.EventId));
        consumer.Calls.Count(e => e.EventId == poison.EventId).ShouldBe(MaxAttempts);
        var letter = (await ReadLettersAsync(db)).ShouldHaveSingleItem();
        letter.ConsumerName.ShouldBe(SeenConsumer.DefaultName);
        letter.GlobalPosition.ShouldBe(poison.GlobalPosition);
        letter.EventId.ShouldBe(poison.EventId);
        letter.AggregateType.ShouldBe(poison.AggregateType);
        letter.AggregateId.ShouldBe(poison.AggregateId);
        letter.AggregateVersion.ShouldBe(poison.AggregateVersion);
        letter.EventType.ShouldBe(poison.EventType);
        letter.Attempts.ShouldBe(MaxAttempts);
        letter.Error.ShouldContain("System.InvalidOperationException: The handler cannot handle this event.");
        var (letterTransaction, moveTransaction) = await TransactionsOfAsync(db, poison.GlobalPosition);
        letterTransaction.ShouldBe(moveTransaction, "the dead letter and the checkpoint's move to it committed in one transaction");
        var row = (await FailureRows.ReadAsync(db, SeenConsumer.DefaultName)).ShouldNotBeNull();
        row.FailedPosition.ShouldBeNull("the checkpoint passed the event, so its failures are cleared");
        row.StoppedAt.ShouldBeNull();
        await FailureRows.WaitForLogAsync(db, $"dead-lettered the event at position {poison.GlobalPosition}", Bound);
    }

    [Test]
    public async Task A_permanent_error_is_dead_lettered_at_the_first_attempt()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 3));
        var poison = stored[0];
        var consumer = FailingOn(poison, () => new PermanentHandlerException("The order is of a kind this projection cannot hold."));

        db.Start("instance-a", Options(db) with { MaxAttempts = 100 }, consumer);
        await db.WaitUntilCheckpointAsync(SeenConsumer.DefaultName, stored[^1].GlobalPosition, Bound);

        consumer.Calls.Count(e => e.EventId == poison.EventId).ShouldBe(1);
        var letter = (await ReadLettersAsync(db)).ShouldHaveSingleItem();
        letter.GlobalPosition.ShouldBe(poison.GlobalPosition);
        letter.Attempts.ShouldBe(1);
        letter.Error.ShouldContain("EventStore.PermanentHandlerException: The order is of a kind this projection cannot hold.");
    }

    /// <summary>
    /// The batch handler fails the whole first batch, which blames no event; the events are then handled one per batch,
    /// and only the poison event fails alone. Its attempts are the failures it had alone.
    /// </summary>
    [Test]
    public async Task A_batch_handlers_poison_event_is_found_by_handling_the_failed_batch_one_event_at_a_time()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 6));
        var poison = stored[3];
        var consumer = new SeenBatchConsumer
        {
            BeforeBatch = batch => batch.Any(e => e.EventId == poison.EventId)
                ? throw new InvalidOperationException("One event of this batch is broken.")
                : Task.CompletedTask,
        };

        db.Start("instance-a", Options(db) with { BatchSize = 10 }, consumer);
        await db.WaitUntilCheckpointAsync(SeenConsumer.DefaultName, stored[^1].GlobalPosition, Bound);

        (await db.SeenAsync()).Select(row => row.EventId).ShouldBe(stored.Where(e => e != poison).Select(e => e.EventId));
        var letter = (await ReadLettersAsync(db)).ShouldHaveSingleItem();
        letter.GlobalPosition.ShouldBe(poison.GlobalPosition);
        letter.Attempts.ShouldBe(MaxAttempts);
        var batches = consumer.Batches.ToList();
        batches[0].Count.ShouldBe(stored.Count);
        batches.Skip(1).ShouldAllBe(batch => batch.Count == 1, "after the failed batch, events go one per batch until past it");
        batches.Count(batch => batch.Any(e => e.EventId == poison.EventId)).ShouldBe(1 + MaxAttempts);
    }

    /// <summary>Replay runs while the processor does: it takes the consumer's checkpoint rows as a batch would.</summary>
    [Test]
    public async Task Replay_hands_the_dead_lettered_events_to_the_handler_and_marks_them_and_a_failed_replay_changes_nothing()
    {
        await using var db = await ConsumerDatabase.CreateAsync(setup: setup);
        var stored = await db.AppendAsync(Events("Order", NewId(), 5));
        var poisons = new[] { stored[1], stored[3] };
        var failing = true;
        var consumer = new SeenConsumer
        {
            BeforeInsert = (e, _) => Volatile.Read(ref failing) && poisons.Any(p => p.EventId == e.EventId)
                ? throw new PermanentHandlerException("Not yet.")
                : Task.CompletedTask,
        };
        db.Start("instance-a", Options(db), consumer);
        await db.WaitUntilCheckpointAsync(SeenConsumer.DefaultName, stored[^1].GlobalPosition, Bound);
        var admin = new ConsumerAdmin(db.Store.Options);
        (await ReadLettersAsync(db)).Select(letter => letter.GlobalPosition).ShouldBe(poisons.Select(e => e.GlobalPosition));

        await Should.ThrowAsync<PermanentHandlerException>(() => db.Store.InTransactionAsync(transaction => admin.ReplayDeadLettersAsync(transaction, consumer)));
        (await ReadLettersAsync(db)).Count.ShouldBe(2, "the failed replay rolled back its marks");

        Volatile.Write(ref failing, false);
        var replayed = await db.Store.InTransactionAsync(transaction => admin.ReplayDeadLettersAsync(transaction, consumer));
        var again = await db.Store.InTransactionAsync(transaction => admin.ReplayDeadLettersAsync(transaction, consumer));

        replayed.ShouldBe(2);
        again.ShouldBe(0);
        (await ReadLettersAsync(db)).ShouldBeEmpty();
        var seen = await db.SeenAsync();
        seen.Select(row => row.EventId).ToHashSet().SetEquals(stored.Select(e => e.EventId)).ShouldBeTrue();
        seen.TakeLast(2).Select(row => row.EventId).ShouldBe(poisons.Select(e => e.EventId), "replay hands the letters over in position order");
    }

    private static ConsumerProcessorOptions Options(ConsumerDatabase db) => db.ProcessorOptions with
    {
        MaxAttempts = MaxAttempts,
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        PoisonEventHandling = PoisonEventHandling.DeadLetter,
    };

    private static SeenConsumer FailingOn(PersistedEvent poison, Func<Exception> failure) => new()
    {
        BeforeInsert = (e, _) => e.EventId == poison.EventId ? throw failure() : Task.CompletedTask,
    };

    private static Task<IReadOnlyList<DeadLetter>> ReadLettersAsync(ConsumerDatabase db) =>
        db.Store.InTransactionAsync(transaction => new ConsumerAdmin(db.Store.Options).ReadDeadLettersAsync(transaction, SeenConsumer.DefaultName));

    /// <summary>The transaction that wrote the dead letter at the position, and the one that moved the checkpoint to it.</summary>
    private static async Task<(long Letter, long Move)> TransactionsOfAsync(ConsumerDatabase db, long position)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT letter.xmin::text::bigint, (SELECT move.transaction_id % (1::bigint << 32) FROM checkpoint_moves AS move WHERE move.position = @position)
            FROM consumer_checkpoints_dead_letters AS letter WHERE letter.global_position = @position
            """,
            connection);
        command.Parameters.AddWithValue("position", position);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
