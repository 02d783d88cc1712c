namespace EventStore.Tests.Store;

/// <summary>
/// A fixture with a database of its own, created with the store's schema before its tests and dropped after. A
/// fixture that is part of the store's contract runs once per <see cref="ServerRoute"/> and once per <see cref="LogSchema"/>.
/// </summary>
public abstract class StoreFixture(ServerRoute route = ServerRoute.Direct, LogSchema schema = LogSchema.Plain)
{
    private StoreDatabase? _db;

    /// <summary>The shape of the fixture's event log.</summary>
    protected LogSchema Schema { get; } = schema;

    /// <summary>The fixture's database; tests in a fixture run in parallel, so each uses aggregate ids of its own.</summary>
    internal StoreDatabase Db => _db ?? throw new InvalidOperationException("The fixture's database exists only while its tests run.");

    [OneTimeSetUp]
    public async Task CreateDatabase() => _db = await StoreDatabase.CreateAsync(route: route, schema: Schema);

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }
}
