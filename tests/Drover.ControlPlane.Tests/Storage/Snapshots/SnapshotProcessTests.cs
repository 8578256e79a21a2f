using Drover.Api;
using Drover.Testing;

namespace Drover.ControlPlane.Tests;

/// <summary>
/// <c>droverd snapshot save|restore</c> on a real droverd: saved while it serves, restored once it is stopped (refused
/// while it runs), and after the restart the cluster is as it was at the snapshot, Secrets readable.
/// </summary>
[Trait("Category", "Process")]
public sealed class SnapshotProcessTests
{
    private static async Task<CliResult> DroverdAsync(params string[] args)
    {
        var info = DroverBinaries.Built.Droverd();
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return await ProcessRunner.RunAsync(info, TimeSpan.FromSeconds(90));
    }

    private static ConfigMap Map(string name) => new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = name, Namespace = "default" } };

    [Fact]
    public async Task SaveWhileServing_RestoreWhenStopped_ClusterAsAtTheSnapshot()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("droverd-snapshot-").FullName;
        try
        {
            var snapshot = Path.Combine(dataDirectory, "backup", "one.db");
            await using var server = await DroverdProcess.StartAsync(dataDirectory);
            using (var client = server.Client())
            {
                await client.CreateAsync(ResourceTypes.ConfigMaps, Map("before"));
                await client.CreateAsync(ResourceTypes.Secrets, new Secret
                {
                    ApiVersion = "v1",
                    Kind = "Secret",
                    Metadata = new ObjectMeta { Name = "kept", Namespace = "default" },
                    StringData = new() { ["password"] = "s3cret" },
                });

                var save = await DroverdAsync("snapshot", "save", "--data-dir", dataDirectory, "--output", snapshot);
                Assert.True(save.ExitCode == 0, save.Stderr);
                Assert.Contains("snapshot saved", save.Stdout, StringComparison.Ordinal);

                var again = await DroverdAsync("snapshot", "save", "--data-dir", dataDirectory, "--output", snapshot);
                Assert.Equal(1, again.ExitCode);
                Assert.Contains("never overwrites", again.Stderr, StringComparison.Ordinal);

                await client.CreateAsync(ResourceTypes.ConfigMaps, Map("after"));
                await client.DeleteAsync(ResourceTypes.ConfigMaps, "default", "before");
            }

            var whileRunning = await DroverdAsync("snapshot", "restore", "--data-dir", dataDirectory, snapshot);
            Assert.Equal(1, whileRunning.ExitCode);
            Assert.Contains("stop droverd", whileRunning.Stderr, StringComparison.Ordinal);

            await server.StopAsync();
            var restore = await DroverdAsync("snapshot", "restore", "--data-dir", dataDirectory, snapshot);
            Assert.True(restore.ExitCode == 0, restore.Stderr);
            Assert.True(File.Exists(Path.Combine(dataDirectory, "state.db.before-restore")));
            await server.StartAgainAsync();

            using var restored = server.Client();
            Assert.NotNull(await restored.TryGetAsync(ResourceTypes.ConfigMaps, "default", "before"));
            Assert.Null(await restored.TryGetAsync(ResourceTypes.ConfigMaps, "default", "after"));
            var secret = Assert.IsType<Secret>(await restored.GetAsync(ResourceTypes.Secrets, "default", "kept"));
            Assert.Equal("s3cret"u8.ToArray(), secret.Data!["password"]);
            // Writes go on after the restore, at revisions above the snapshot's.
            await restored.CreateAsync(ResourceTypes.ConfigMaps, Map("later"));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Restore_NotASnapshot_RefusedAndStoreUntouched()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("droverd-snapshot-bad-").FullName;
        try
        {
            var bogus = Path.Combine(dataDirectory, "bogus.db");
            await File.WriteAllTextAsync(bogus, "not a database at all, only text that is long enough to be read as a header");

            var restore = await DroverdAsync("snapshot", "restore", "--data-dir", dataDirectory, bogus);

            Assert.Equal(1, restore.ExitCode);
            Assert.Contains("not a snapshot", restore.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dataDirectory, "state.db")));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
