using Microsoft.Data.Sqlite;

namespace Drover.Store;

/// <summary>
/// A pooled read connection with its prepared statements. WAL lets it read a consistent snapshot while the writer
/// commits; multi-statement reads run in one deferred transaction so they all see the same snapshot.
/// </summary>
internal sealed class SqliteReader : IDisposable
{
    private const string LogColumns = """
        SELECT l.rev, l.key, l.type, l.create_rev, l.value, l.prev_rev, p.value
        FROM log AS l LEFT JOIN log AS p ON p.rev = l.prev_rev
        WHERE l.rev > $after AND l.rev <= $to AND l.key >= $lo
        """;

    private readonly SqliteConnection _connection;
    private readonly List<SqliteCommand> _commands = [];

    private SqliteCommand? _get;
    private SqliteCommand? _counters;
    private SqliteCommand? _listBounded;
    private SqliteCommand? _listOpen;
    private SqliteCommand? _countBounded;
    private SqliteCommand? _countOpen;
    private SqliteCommand? _logBounded;
    private SqliteCommand? _logOpen;

    public SqliteReader(SqliteConnection connection)
    {
        _connection = connection;
    }

    public KeyValue? Get(string key)
    {
        var command = _get ??= Prepare("SELECT create_rev, mod_rev, value FROM kv WHERE key = $key", "$key");
        command.Parameters[0].Value = key;
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new KeyValue(key, SqliteValues.ReadBlob(reader, 2), reader.GetInt64(0), reader.GetInt64(1))
            : null;
    }

    public StoreListResult List(string prefix, string? startAfterKey, int limit, CancellationToken cancellationToken)
    {
        var upper = StoreKeys.PrefixUpperBound(prefix);
        var command = upper is null
            ? _listOpen ??= Prepare("SELECT key, create_rev, mod_rev, value FROM kv WHERE key >= $lo ORDER BY key LIMIT $limit", "$lo", "$limit")
            : _listBounded ??= Prepare("SELECT key, create_rev, mod_rev, value FROM kv WHERE key >= $lo AND key < $hi ORDER BY key LIMIT $limit", "$lo", "$limit", "$hi");
        command.Parameters[0].Value = StoreKeys.PageLowerBound(prefix, startAfterKey);

        // One extra row tells whether another page exists without a second query; -1 is SQLite's "no limit".
        command.Parameters[1].Value = limit > 0 ? (long)limit + 1 : -1L;
        if (upper is not null)
        {
            command.Parameters[2].Value = upper;
        }

        Begin(command);
        try
        {
            var revision = ReadCounters().Revision;
            var items = limit > 0 ? new List<KeyValue>(Math.Min(limit, 1024)) : [];
            string? continueAfter = null;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (limit > 0 && items.Count == limit)
                {
                    continueAfter = items[^1].Key;
                    break;
                }

                if ((items.Count & 1023) == 1023)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                items.Add(new KeyValue(reader.GetString(0), SqliteValues.ReadBlob(reader, 3), reader.GetInt64(1), reader.GetInt64(2)));
            }

            return new StoreListResult(items, revision, continueAfter);
        }
        finally
        {
            End(command);
        }
    }

    public long Count(string prefix)
    {
        var upper = StoreKeys.PrefixUpperBound(prefix);
        var command = upper is null
            ? _countOpen ??= Prepare("SELECT count(*) FROM kv WHERE key >= $lo", "$lo")
            : _countBounded ??= Prepare("SELECT count(*) FROM kv WHERE key >= $lo AND key < $hi", "$lo", "$hi");
        command.Parameters[0].Value = prefix;
        if (upper is not null)
        {
            command.Parameters[1].Value = upper;
        }

        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/> log events with <paramref name="afterRevision"/> &lt; rev &lt;= <paramref name="toRevision"/>.
    /// The compacted revision is read in the same snapshot, so a compaction racing with the watcher is detected
    /// instead of silently skipping the rows it deleted.
    /// </summary>
    /// <summary>
    /// Appends the log's events after <paramref name="afterRevision"/> up to <paramref name="toRevision"/>, at most
    /// <paramref name="limit"/> of them and, after the first, no more once their values reach <paramref name="maxBytes"/>.
    /// Returns true when it stopped at one of those bounds (there may be more), false at the end of the range.
    /// </summary>
    public bool ReadLog(string prefix, long afterRevision, long toRevision, int limit, int maxBytes, List<StoreEvent> events)
    {
        var upper = StoreKeys.PrefixUpperBound(prefix);
        var command = upper is null
            ? _logOpen ??= Prepare(LogColumns + " ORDER BY l.rev LIMIT $limit", "$lo", "$limit", "$after", "$to")
            : _logBounded ??= Prepare(LogColumns + " AND l.key < $hi ORDER BY l.rev LIMIT $limit", "$lo", "$limit", "$after", "$to", "$hi");
        command.Parameters[0].Value = prefix;
        command.Parameters[1].Value = (long)limit;
        command.Parameters[2].Value = afterRevision;
        command.Parameters[3].Value = toRevision;
        if (upper is not null)
        {
            command.Parameters[4].Value = upper;
        }

        Begin(command);
        try
        {
            var compacted = ReadCounters().Compacted;
            if (afterRevision < compacted)
            {
                throw new StoreCompactedException(compacted);
            }

            using var reader = command.ExecuteReader();
            long bytes = 0;
            var read = 0;
            while (reader.Read())
            {
                var storeEvent = ReadEvent(reader);
                events.Add(storeEvent);
                read++;
                bytes += storeEvent.Kv.Value.Length + (storeEvent.PrevKv?.Value.Length ?? 0);
                if (bytes >= maxBytes)
                {
                    return true;
                }
            }

            return read == limit;
        }
        finally
        {
            End(command);
        }
    }

    public void Dispose()
    {
        foreach (var command in _commands)
        {
            command.Dispose();
        }

        _connection.Dispose();
    }

    private static StoreEvent ReadEvent(SqliteDataReader reader)
    {
        var revision = reader.GetInt64(0);
        var key = reader.GetString(1);
        var createRevision = reader.GetInt64(3);
        KeyValue? previous = reader.IsDBNull(5)
            ? null
            : new KeyValue(key, SqliteValues.ReadBlob(reader, 6), createRevision, reader.GetInt64(5));

        if (reader.GetInt64(2) == SqliteSchema.DeleteType)
        {
            // A delete carries the value it removed, which is the previous row's.
            var last = previous ?? new KeyValue(key, ReadOnlyMemory<byte>.Empty, createRevision, revision);
            return new StoreEvent(StoreEventType.Delete, last with { ModRevision = revision }, previous);
        }

        return new StoreEvent(StoreEventType.Put, new KeyValue(key, SqliteValues.ReadBlob(reader, 4), createRevision, revision), previous);
    }

    private SqliteCommand Counters => _counters ??= Prepare(
        "SELECT (SELECT value FROM meta WHERE name = 'revision'), (SELECT value FROM meta WHERE name = 'compacted')");

    private (long Revision, long Compacted) ReadCounters()
    {
        using var reader = Counters.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private void Begin(SqliteCommand command)
    {
        // Deferred: a reader must never take the write lock.
        var transaction = _connection.BeginTransaction(deferred: true);
        command.Transaction = transaction;
        Counters.Transaction = transaction;
    }

    /// <summary>Read-only, so ending the transaction by rollback loses nothing and also works after a failed statement.</summary>
    private void End(SqliteCommand command)
    {
        var transaction = command.Transaction;
        command.Transaction = null;
        Counters.Transaction = null;
        transaction?.Dispose();
    }

    private SqliteCommand Prepare(string sql, params ReadOnlySpan<string> parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        _commands.Add(command);
        return command;
    }
}
