using Microsoft.Extensions.Logging;

namespace EventStore.Dapper;

/// <summary>What the store and the processor log about the connection pooler between them and PostgreSQL.</summary>
internal static partial class PoolingLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "Connections to {Host}:{Port} go through a pooler (the session's process id is not the one the connection was opened with), so statements are not prepared on them; set EventStoreOptions.PrepareBehindPooler if the pooler keeps prepared statements apart")]
    public static partial void NotPreparingBehindPooler(ILogger logger, string host, int port);
}
