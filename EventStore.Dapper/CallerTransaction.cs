using System.Data;
using Npgsql;

namespace EventStore.Dapper;

/// <summary>Checks the caller's transaction before anything is sent, so a misuse fails with a message that says what is wrong.</summary>
internal static class CallerTransaction
{
    /// <summary>Returns an active Npgsql transaction and its open connection.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="transaction"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The transaction is not Npgsql's.</exception>
    /// <exception cref="InvalidOperationException">The transaction has completed, or its connection is not open.</exception>
    public static (NpgsqlConnection Connection, NpgsqlTransaction Transaction) Check(IDbTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not NpgsqlTransaction npgsqlTransaction)
        {
            throw new ArgumentException(
                $"The transaction is a {transaction.GetType().FullName}; the PostgreSQL event store needs an NpgsqlTransaction from an NpgsqlConnection.",
                nameof(transaction));
        }

        var connection = ActiveConnection(npgsqlTransaction);
        if (connection.State != ConnectionState.Open)
        {
            throw new InvalidOperationException(
                $"The transaction's connection is {connection.State}, not Open; the transaction can no longer be used.");
        }

        return (connection, npgsqlTransaction);
    }

    /// <summary>
    /// Npgsql still hands out the connection of a committed or rolled-back transaction, but refuses its isolation level;
    /// a disposed transaction refuses both, and closing the connection completes the transaction too. Npgsql's own
    /// messages do not say what to do, so they are replaced by one that does.
    /// </summary>
    private static NpgsqlConnection ActiveConnection(NpgsqlTransaction transaction)
    {
        NpgsqlConnection? connection;
        try
        {
            _ = transaction.IsolationLevel;
            connection = transaction.Connection;
        }
        catch (InvalidOperationException error)
        {
            throw Completed(error);
        }

        return connection ?? throw Completed(inner: null);
    }

    private static InvalidOperationException Completed(Exception? inner) => new(
        "The transaction has already been committed, rolled back or disposed, or its connection was closed; " +
        "begin a new transaction on an open connection for each unit of work.", inner);
}
