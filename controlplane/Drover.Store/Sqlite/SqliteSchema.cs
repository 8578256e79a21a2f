using Microsoft.Data.Sqlite;

namespace Drover.Store;

/// <summary>
/// kine-style layout: <c>kv</c> holds the current value per key, <c>log</c> is the append-only history (one row per
/// revision) that watches replay and compaction trims, <c>meta</c> holds the revision counters so they survive
/// restarts even after compaction has emptied the log.
/// </summary>
internal static class SqliteSchema
{
    public const long PutType = 0;
    public const long DeleteType = 1;

    public const string RevisionMetaName = "revision";
    public const string CompactedMetaName = "compacted";

    // Delete rows store no value: the value they carry is the one at prev_rev, which compaction keeps (see CompactLog).
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS kv (
            key TEXT NOT NULL PRIMARY KEY,
            create_rev INTEGER NOT NULL,
            mod_rev INTEGER NOT NULL,
            value BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS log (
            rev INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            type INTEGER NOT NULL,
            create_rev INTEGER NOT NULL,
            value BLOB,
            prev_rev INTEGER
        );
        CREATE TABLE IF NOT EXISTS meta (
            name TEXT NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0), ('compacted', 0);
        """;

    public static string ConnectionString(string databasePath, bool create) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
        Cache = SqliteCacheMode.Private,

        // The store pools its own connections with their prepared commands; Microsoft.Data.Sqlite's pool would
        // also keep file handles open after dispose.
        Pooling = false,
    }.ToString();

    public static SqliteConnection OpenWriter(string databasePath, TimeSpan busyTimeout)
    {
        var connection = new SqliteConnection(ConnectionString(databasePath, create: true));
        try
        {
            connection.Open();

            // FULL fsyncs the WAL on every commit: an acknowledged write survives power loss, not just a process kill.
            Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds};");
            using (var transaction = connection.BeginTransaction())
            {
                Execute(connection, CreateTables, transaction);
                transaction.Commit();
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static SqliteConnection OpenReader(string databasePath, TimeSpan busyTimeout)
    {
        var connection = new SqliteConnection(ConnectionString(databasePath, create: false));
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA query_only=1; PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
