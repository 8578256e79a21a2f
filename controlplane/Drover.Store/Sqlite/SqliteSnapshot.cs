using Microsoft.Data.Sqlite;

namespace Drover.Store.Sqlite;

/// <summary>
/// Backups of the embedded store (k3s' <c>etcd-snapshot</c> for its SQLite case): <see cref="Save"/> copies a live
/// database in one read transaction (<c>VACUUM INTO</c>: writers go on, the copy is one revision, compact and whole);
/// <see cref="Restore"/> puts a checked snapshot in place of a stopped store's database, revisions included, keeping the
/// database it replaces beside it.
/// </summary>
public static class SqliteSnapshot
{
    /// <summary>Where <see cref="Restore"/> keeps the database it replaced.</summary>
    public const string ReplacedSuffix = ".before-restore";

    /// <summary>Copies the database at <paramref name="databasePath"/> (open by droverd or not) to <paramref name="outputPath"/>, which must not exist.</summary>
    public static SnapshotInfo Save(string databasePath, string outputPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        if (!File.Exists(databasePath))
            throw new StoreException($"there is no store at '{databasePath}'");
        if (File.Exists(outputPath))
            throw new StoreException($"'{outputPath}' exists already; a snapshot never overwrites a file");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        try
        {
            using (var connection = SqliteSchema.OpenReader(databasePath, TimeSpan.FromSeconds(30)))
            using (var command = connection.CreateCommand())
            {
                // query_only forbids VACUUM INTO's write to the other file too: this connection is only for the copy.
                command.CommandText = "PRAGMA query_only=0; VACUUM INTO $path;";
                command.Parameters.AddWithValue("$path", Path.GetFullPath(outputPath));
                command.ExecuteNonQuery();
            }
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(outputPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return Inspect(outputPath);
        }
        catch (SqliteException e)
        {
            throw new StoreException($"cannot snapshot '{databasePath}' to '{outputPath}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Replaces the database at <paramref name="databasePath"/> with the snapshot at <paramref name="snapshotPath"/>
    /// after checking it; refused while a droverd holds the store. The replaced database is kept as
    /// <c>PATH.before-restore</c>.
    /// </summary>
    public static SnapshotInfo Restore(string snapshotPath, string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotPath);
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        if (!File.Exists(snapshotPath))
            throw new StoreException($"there is no snapshot at '{snapshotPath}'");
        var info = Inspect(snapshotPath);
        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        FileStream lockFile;
        try
        {
            lockFile = SqliteStore.AcquireLock(fullPath);
        }
        catch (StoreException e)
        {
            throw new StoreException($"the store at '{fullPath}' is in use (is droverd running?): stop droverd before restoring", e);
        }
        using (lockFile)
        {
            var staged = fullPath + ".restoring";
            File.Copy(snapshotPath, staged, overwrite: true);
            using (var stream = new FileStream(staged, FileMode.Open, FileAccess.ReadWrite))
                stream.Flush(flushToDisk: true);
            if (File.Exists(fullPath))
                File.Move(fullPath, fullPath + ReplacedSuffix, overwrite: true);
            // The old database's write-ahead log would be replayed into the snapshot: it goes with the old database.
            foreach (var suffix in new[] { "-wal", "-shm" })
            {
                if (File.Exists(fullPath + suffix))
                    File.Move(fullPath + suffix, fullPath + ReplacedSuffix + suffix, overwrite: true);
            }
            File.Move(staged, fullPath);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(fullPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return info;
    }

    /// <summary>The revision and key count of a snapshot, after SQLite's integrity check and a look at the store's tables.</summary>
    public static SnapshotInfo Inspect(string snapshotPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotPath);
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = snapshotPath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            using (var check = connection.CreateCommand())
            {
                check.CommandText = "PRAGMA integrity_check(1)";
                var result = check.ExecuteScalar() as string;
                if (result != "ok")
                    throw new StoreException($"'{snapshotPath}' is damaged: {result}");
            }
            var (revision, compacted) = SqliteWriter.ReadCounters(connection);
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM kv";
            var keys = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            return new SnapshotInfo(revision, compacted, keys, new FileInfo(snapshotPath).Length);
        }
        catch (SqliteException e)
        {
            throw new StoreException($"'{snapshotPath}' is not a snapshot of droverd's store: {e.Message}", e);
        }
    }
}
