using System.Diagnostics;
using System.Reflection;
using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

[Trait("Category", "Process")]
public sealed class SqliteStoreDurabilityTests
{
    [Fact]
    public async Task OpenAsync_ExistingDatabase_ResumesRevisionNumbering()
    {
        await using var test = await TestStore.CreateAsync();
        await test.Store.CreateAsync("/a", Bytes("x"));
        await test.Store.CreateAsync("/b", Bytes("x"));
        await test.Store.DeleteAsync("/b");

        await test.ReopenAsync();

        Assert.Equal(3, test.Store.CurrentRevision);
        Assert.Equal(4, (await test.Store.CreateAsync("/c", Bytes("x"))).ModRevision);
        Assert.Equal("x", Text((await test.Store.GetAsync("/a"))!.Value));
    }

    [Fact]
    public async Task OpenAsync_AfterCompactingEverything_ResumesRevisionAndCompactionPoint()
    {
        await using var test = await TestStore.CreateAsync();
        await test.Store.CreateAsync("/a", Bytes("x"));
        await test.Store.DeleteAsync("/a");
        await test.Store.CompactAsync(2);

        await test.ReopenAsync();

        Assert.Equal(2, test.Store.CurrentRevision);
        Assert.Equal(2, test.Store.CompactedRevision);
        Assert.Equal(3, (await test.Store.CreateAsync("/a", Bytes("x"))).CreateRevision);
        await Assert.ThrowsAsync<StoreCompactedException>(() => WatchAssert.TakeAsync(test.Store.WatchAsync("/", 1), 1));
    }

    [Fact]
    public async Task OpenAsync_DatabaseAlreadyOpen_ThrowsStoreException()
    {
        await using var test = await TestStore.CreateAsync();

        await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync(test.DatabasePath));
    }

    [Fact]
    public async Task CreateAsync_ProcessKilledMidStream_EveryAcknowledgedKeySurvives()
    {
        await using var test = await TestStore.CreateAsync();
        await test.Store.DisposeAsync();

        var writerPath = typeof(SqliteStoreDurabilityTests).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CrashWriterPath").Value!;
        Assert.True(File.Exists(writerPath), $"crash writer not built at {writerPath}");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(writerPath);
        start.ArgumentList.Add(test.DatabasePath);
        start.ArgumentList.Add("8");

        var acknowledged = new List<string>();
        using (var process = Process.Start(start)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                Assert.Equal("ready", await ReadLineAsync(process));

                // Enough writes for many group commits to be in flight when the kill lands.
                while (acknowledged.Count < 2_000)
                {
                    var line = await ReadLineAsync(process) ?? throw new InvalidOperationException($"writer exited early: {await stderr}");
                    acknowledged.Add(line);
                }
            }
            finally
            {
                // SIGKILL on Unix: no finalizers, no dispose, no WAL checkpoint.
                process.Kill();
            }

            // Keys printed before the kill were acknowledged too.
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                acknowledged.Add(line);
            }

            await process.WaitForExitAsync();
            Assert.NotEqual(0, process.ExitCode);
        }

        await test.ReopenAsync();
        foreach (var key in acknowledged)
        {
            var stored = await test.Store.GetAsync(key);
            Assert.True(stored is not null, $"acknowledged key {key} lost");
            Assert.Equal(key, Text(stored.Value));
        }

        // Revisions stay dense and keep counting after the crash.
        var count = await test.Store.CountAsync("/crash/");
        Assert.True(count >= acknowledged.Count);
        Assert.Equal(count, test.Store.CurrentRevision);
        Assert.Equal(count + 1, (await test.Store.CreateAsync("/after", Bytes("x"))).ModRevision);
    }

    private static async Task<string?> ReadLineAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await process.StandardOutput.ReadLineAsync(timeout.Token);
    }
}
