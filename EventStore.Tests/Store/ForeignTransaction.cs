using System.Data;

namespace EventStore.Tests.Store;

/// <summary>A transaction of some other ADO.NET provider: bad input for a PostgreSQL store, not a database double.</summary>
internal sealed class ForeignTransaction : IDbTransaction
{
    public IDbConnection? Connection => null;

    public IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

    public void Commit() => throw new NotSupportedException();

    public void Rollback() => throw new NotSupportedException();

    public void Dispose()
    {
    }
}
