using System.CommandLine;
using System.Globalization;
using Drover.Store;
using Drover.Store.Sqlite;

namespace Drover.ControlPlane;

/// <summary>
/// <c>droverd snapshot save|restore</c>: backups of the embedded SQLite store (k3s' etcd-snapshot for its embedded
/// datastore). A snapshot is the store only; Secrets in it are sealed with the keys of DATA/credentials, which a restore
/// needs as they were. With an etcd datastore, etcd's own <c>etcdctl snapshot save|restore</c> does this (README).
/// </summary>
internal static class SnapshotCommand
{
    public static Command Create()
    {
        var command = new Command("snapshot", "Save or restore a snapshot of the embedded SQLite store (for etcd: etcdctl snapshot save|restore).");
        command.Subcommands.Add(Save());
        command.Subcommands.Add(Restore());
        return command;
    }

    private static Option<string> DataDir() =>
        new("--data-dir") { Description = "droverd's data directory (the store is DATA/state.db).", DefaultValueFactory = _ => "/var/lib/drover/server" };

    private static Command Save()
    {
        var dataDir = DataDir();
        var output = new Option<string?>("--output") { Description = "The snapshot file to write (default: DATA/snapshots/state-YYYYMMDDTHHMMSSZ.db); never overwritten." };
        var command = new Command("save", "Copy the store, while droverd runs or not, in one consistent read.") { dataDir, output };
        command.SetAction(async (parse, ct) =>
        {
            var data = parse.GetValue(dataDir)!;
            var path = parse.GetValue(output)
                ?? Path.Combine(data, "snapshots", "state-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".db");
            try
            {
                var info = await Task.Run(() => SqliteSnapshot.Save(Path.Combine(data, "state.db"), path), ct).ConfigureAwait(false);
                await Console.Out.WriteLineAsync(Describe("saved", path, info)).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"Secrets in it are encrypted with the keys in {Path.Combine(data, "credentials")}: keep that directory with the snapshot.").ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"droverd snapshot save: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static Command Restore()
    {
        var dataDir = DataDir();
        var snapshot = new Argument<string>("snapshot") { Description = "The snapshot file (from droverd snapshot save)." };
        var command = new Command("restore", "Replace the store of a stopped droverd with a snapshot (the replaced database is kept as state.db.before-restore).") { dataDir, snapshot };
        command.SetAction(async (parse, ct) =>
        {
            var data = parse.GetValue(dataDir)!;
            var file = parse.GetValue(snapshot)!;
            try
            {
                var info = await Task.Run(() => SqliteSnapshot.Restore(file, Path.Combine(data, "state.db")), ct).ConfigureAwait(false);
                await Console.Out.WriteLineAsync(Describe("restored", file, info) + $" into {Path.Combine(data, "state.db")}; start droverd again").ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"droverd snapshot restore: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static string Describe(string what, string path, SnapshotInfo info) =>
        string.Create(CultureInfo.InvariantCulture, $"snapshot {what}: {path} (revision {info.Revision}, {info.Keys} keys, {info.Bytes} bytes)");
}
