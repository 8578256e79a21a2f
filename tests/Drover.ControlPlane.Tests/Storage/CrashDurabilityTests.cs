using System.Collections.Concurrent;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Storage.Tests;

/// <summary>A crash never loses an acknowledged write: kill -9 droverd mid-stream, restart, check.</summary>
[Trait("Category", "Process")]
public sealed class CrashDurabilityTests
{
    [Fact]
    public async Task KillDuringWrites_EveryAcknowledgedCreateSurvivesRestart()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("droverd-crash-").FullName;
        try
        {
            var acknowledged = new ConcurrentBag<string>();
            var server = await DroverdProcess.StartAsync(dataDirectory);
            using (var client = server.Client())
            {
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        var name = $"w{w}-{i}";
                        try
                        {
                            await client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap("default", name));
                            acknowledged.Add(name);
                        }
                        catch (ApiClientException)
                        {
                            return; // The server died under us: this write was never acknowledged.
                        }
                    }
                })).ToArray();

                while (acknowledged.Count < 300)
                    await Task.Delay(10);
                server.KillHard();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            }
            await server.DisposeAsync();

            await using var restarted = await DroverdProcess.StartAsync(dataDirectory);
            using var reader = restarted.Client();
            var stored = new HashSet<string>();
            string? token = null;
            do
            {
                var page = await reader.ListAsync(ResourceTypes.ConfigMaps, "default", limit: 500, continueToken: token);
                stored.UnionWith(page.Items.Select(i => i.Metadata.Name!));
                token = page.Continue;
            }
            while (token is not null);

            Assert.True(acknowledged.Count >= 300);
            var lost = acknowledged.Where(name => !stored.Contains(name)).ToList();
            Assert.Empty(lost);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
