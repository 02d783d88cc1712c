using Npgsql;
using NpgsqlTypes;

namespace EventStore.Dapper;

/// <summary>
/// The positional placeholders of the reads and the binders that fill them in order. Positional, like the append's,
/// so Npgsql sends the statements without rewriting them.
/// </summary>
internal static class ReadParameters
{
    public static class Stream
    {
        public const string AggregateType = "$1";
        public const string AggregateId = "$2";
        public const string FromVersion = "$3";
        public const string ToVersion = "$4";

        public static void Bind(NpgsqlParameterCollection parameters, string aggregateType, string aggregateId, long? fromVersion, long? toVersion)
        {
            parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = aggregateType });
            parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = aggregateId });
            if (fromVersion.HasValue || toVersion.HasValue)
            {
                parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = fromVersion ?? 0 });
                parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = toVersion ?? long.MaxValue });
            }
        }
    }

    public static class Log
    {
        public const string FromPosition = "$1";
        public const string Limit = "$2";

        public static void Bind(NpgsqlParameterCollection parameters, long fromPosition, int limit)
        {
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = fromPosition });
            parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
        }
    }

    public static class Batch
    {
        public const string FromPosition = "$1";
        public const string ToPosition = "$2";
        public const string Limit = "$3";
        public const string AggregateTypes = "$4";

        public static void Bind(NpgsqlParameterCollection parameters, long fromPosition, long toPosition, int limit, string[]? aggregateTypes)
        {
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = fromPosition });
            parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = toPosition });
            parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
            if (aggregateTypes is not null)
            {
                parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = aggregateTypes });
            }
        }
    }
}
