using Microsoft.Data.Sqlite;

namespace Drover.Store;

/// <summary>
/// The single write connection and its prepared statements. Only the writer loop's thread touches it, so nothing
/// here is synchronized. Logical failures (exists, not found, conflict) are detected by reading before writing,
/// so a failing operation leaves nothing behind in the batch's transaction.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;

    private readonly SqliteCommand _selectKv;
    private readonly SqliteParameter _selectKvKey;

    private readonly SqliteCommand _insertKv;
    private readonly SqliteParameter _insertKvKey;
    private readonly SqliteParameter _insertKvRevision;
    private readonly SqliteParameter _insertKvValue;

    private readonly SqliteCommand _updateKv;
    private readonly SqliteParameter _updateKvKey;
    private readonly SqliteParameter _updateKvRevision;
    private readonly SqliteParameter _updateKvValue;

    private readonly SqliteCommand _deleteKv;
    private readonly SqliteParameter _deleteKvKey;

    private readonly SqliteCommand _insertLog;
    private readonly SqliteParameter _insertLogRevision;
    private readonly SqliteParameter _insertLogKey;
    private readonly SqliteParameter _insertLogType;
    private readonly SqliteParameter _insertLogCreateRevision;
    private readonly SqliteParameter _insertLogValue;
    private readonly SqliteParameter _insertLogPrevRevision;

    private readonly SqliteCommand _setMeta;
    private readonly SqliteParameter _setMetaName;
    private readonly SqliteParameter _setMetaValue;

    private readonly SqliteCommand _compactLog;
    private readonly SqliteParameter _compactLogRevision;

    private readonly SqliteCommand[] _commands;
    private SqliteTransaction? _transaction;

    public SqliteWriter(SqliteConnection connection)
    {
        _connection = connection;

        _selectKv = Prepare("SELECT create_rev, mod_rev, value FROM kv WHERE key = $key", out _selectKvKey, "$key");
        _insertKv = Prepare(
            "INSERT INTO kv (key, create_rev, mod_rev, value) VALUES ($key, $rev, $rev, $value)",
            out _insertKvKey, "$key", out _insertKvRevision, "$rev", out _insertKvValue, "$value");
        _updateKv = Prepare(
            "UPDATE kv SET mod_rev = $rev, value = $value WHERE key = $key",
            out _updateKvKey, "$key", out _updateKvRevision, "$rev", out _updateKvValue, "$value");
        _deleteKv = Prepare("DELETE FROM kv WHERE key = $key", out _deleteKvKey, "$key");

        _insertLog = _connection.CreateCommand();
        _insertLog.CommandText = "INSERT INTO log (rev, key, type, create_rev, value, prev_rev) VALUES ($rev, $key, $type, $create, $value, $prev)";
        _insertLogRevision = _insertLog.Parameters.Add("$rev", SqliteType.Integer);
        _insertLogKey = _insertLog.Parameters.Add("$key", SqliteType.Text);
        _insertLogType = _insertLog.Parameters.Add("$type", SqliteType.Integer);
        _insertLogCreateRevision = _insertLog.Parameters.Add("$create", SqliteType.Integer);
        _insertLogValue = _insertLog.Parameters.Add("$value", SqliteType.Blob);
        _insertLogPrevRevision = _insertLog.Parameters.Add("$prev", SqliteType.Integer);

        _setMeta = Prepare("UPDATE meta SET value = $value WHERE name = $name", out _setMetaName, "$name", out _setMetaValue, "$value");

        // Keeps, below the compaction point, every row an event may still cite through prev_rev: those cited by
        // surviving rows, and the row of each live key's current value, which its next update or delete will cite.
        _compactLog = Prepare(
            """
            DELETE FROM log WHERE rev <= $rev
                AND rev NOT IN (SELECT prev_rev FROM log WHERE rev > $rev AND prev_rev IS NOT NULL AND prev_rev <= $rev)
                AND rev NOT IN (SELECT mod_rev FROM kv WHERE mod_rev <= $rev)
            """,
            out _compactLogRevision,
            "$rev");

        _commands = [_selectKv, _insertKv, _updateKv, _deleteKv, _insertLog, _setMeta, _compactLog];
        foreach (var command in _commands)
        {
            command.Prepare();
        }
    }

    public static (long Revision, long Compacted) ReadCounters(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT
                max(coalesce((SELECT value FROM meta WHERE name = 'revision'), 0), coalesce((SELECT max(rev) FROM log), 0)),
                coalesce((SELECT value FROM meta WHERE name = 'compacted'), 0)
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public void Begin()
    {
        // IMMEDIATE: take the write lock up front so a busy database surfaces here, not halfway through a batch.
        _transaction = _connection.BeginTransaction(deferred: false);
        foreach (var command in _commands)
        {
            command.Transaction = _transaction;
        }
    }

    public void Commit()
    {
        _transaction!.Commit();
        EndTransaction();
    }

    public void Rollback()
    {
        try
        {
            _transaction?.Rollback();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back on its own (e.g. SQLITE_FULL); nothing is left to undo.
        }

        EndTransaction();
    }

    /// <summary>Applies one operation inside the open transaction; <paramref name="revision"/> advances only on success.</summary>
    public KeyValue Apply(WriteOperation operation, ref long revision, List<StoreEvent> events)
    {
        // Checked in the batch's transaction, after the operations before it: a fence rewritten earlier in the same
        // batch already refuses the writes queued behind it.
        if (operation.Fence is { } fence && Select(fence.Key)?.ModRevision is var fenceRevision && fenceRevision != fence.ModRevision)
        {
            throw new StoreFencedException(fence, fenceRevision ?? 0);
        }

        switch (operation.Kind)
        {
            case WriteOperationKind.Create:
            {
                if (Select(operation.Key) is not null)
                {
                    throw new StoreKeyExistsException(operation.Key);
                }

                var next = revision + 1;
                Bind(_insertKvKey, operation.Key);
                Bind(_insertKvRevision, next);
                Bind(_insertKvValue, operation.Value);
                _insertKv.ExecuteNonQuery();
                InsertLog(next, operation.Key, SqliteSchema.PutType, next, operation.Value, prevRevision: 0);

                var created = new KeyValue(operation.Key, operation.Value, next, next);
                events.Add(new StoreEvent(StoreEventType.Put, created, null));
                revision = next;
                return created;
            }

            case WriteOperationKind.Update:
            {
                var current = SelectExpected(operation.Key, operation.Revision);
                var next = revision + 1;
                Bind(_updateKvKey, operation.Key);
                Bind(_updateKvRevision, next);
                Bind(_updateKvValue, operation.Value);
                _updateKv.ExecuteNonQuery();
                InsertLog(next, operation.Key, SqliteSchema.PutType, current.CreateRevision, operation.Value, current.ModRevision);

                var updated = new KeyValue(operation.Key, operation.Value, current.CreateRevision, next);
                events.Add(new StoreEvent(StoreEventType.Put, updated, current));
                revision = next;
                return updated;
            }

            case WriteOperationKind.Delete:
            {
                var current = SelectExpected(operation.Key, operation.Revision);
                var next = revision + 1;
                Bind(_deleteKvKey, operation.Key);
                _deleteKv.ExecuteNonQuery();
                InsertLog(next, operation.Key, SqliteSchema.DeleteType, current.CreateRevision, null, current.ModRevision);

                var deleted = current with { ModRevision = next };
                events.Add(new StoreEvent(StoreEventType.Delete, deleted, current));
                revision = next;
                return deleted;
            }

            case WriteOperationKind.Compact:
                Bind(_compactLogRevision, operation.Revision);
                _compactLog.ExecuteNonQuery();
                SetMeta(SqliteSchema.CompactedMetaName, operation.Revision);
                return WriteOperation.NoResult;

            default:
                throw new InvalidOperationException($"Unknown write operation {operation.Kind}.");
        }
    }

    public void SaveRevision(long revision) => SetMeta(SqliteSchema.RevisionMetaName, revision);

    public void Dispose()
    {
        Rollback();
        foreach (var command in _commands)
        {
            command.Dispose();
        }

        _connection.Dispose();
    }

    private static void Bind(SqliteParameter parameter, object? value) => parameter.Value = value ?? DBNull.Value;

    private KeyValue SelectExpected(string key, long expectedModRevision)
    {
        var current = Select(key) ?? throw new StoreKeyNotFoundException(key);
        if (expectedModRevision != 0 && current.ModRevision != expectedModRevision)
        {
            throw new StoreConflictException(key, current);
        }

        return current;
    }

    private KeyValue? Select(string key)
    {
        Bind(_selectKvKey, key);
        using var reader = _selectKv.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new KeyValue(key, SqliteValues.ReadBlob(reader, 2), reader.GetInt64(0), reader.GetInt64(1));
    }

    private void InsertLog(long revision, string key, long type, long createRevision, byte[]? value, long prevRevision)
    {
        Bind(_insertLogRevision, revision);
        Bind(_insertLogKey, key);
        Bind(_insertLogType, type);
        Bind(_insertLogCreateRevision, createRevision);
        Bind(_insertLogValue, value);
        Bind(_insertLogPrevRevision, prevRevision == 0 ? null : prevRevision);
        _insertLog.ExecuteNonQuery();
    }

    private void SetMeta(string name, long value)
    {
        Bind(_setMetaName, name);
        Bind(_setMetaValue, value);
        _setMeta.ExecuteNonQuery();
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
        foreach (var command in _commands)
        {
            command.Transaction = null;
        }
    }

    private SqliteCommand Prepare(string sql, out SqliteParameter p1, string n1)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        p1 = command.Parameters.Add(new SqliteParameter { ParameterName = n1 });
        return command;
    }

    private SqliteCommand Prepare(string sql, out SqliteParameter p1, string n1, out SqliteParameter p2, string n2)
    {
        var command = Prepare(sql, out p1, n1);
        p2 = command.Parameters.Add(new SqliteParameter { ParameterName = n2 });
        return command;
    }

    private SqliteCommand Prepare(string sql, out SqliteParameter p1, string n1, out SqliteParameter p2, string n2, out SqliteParameter p3, string n3)
    {
        var command = Prepare(sql, out p1, n1, out p2, n2);
        p3 = command.Parameters.Add(new SqliteParameter { ParameterName = n3 });
        return command;
    }
}
