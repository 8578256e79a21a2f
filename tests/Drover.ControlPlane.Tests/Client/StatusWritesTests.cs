using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Api.Client.Tests;

/// <summary>The status owners' write (the agent's, a hollow node's) against a real droverd.</summary>
[Trait("Category", "Process")]
public sealed class StatusWritesTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task WriteOnTopAsync_HeldCopyStale_WritesOnTheFreshReadKeepingTheOtherWrite()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var held = await _client.CreateAsync(ResourceTypes.Pods, Pod(ns, "web"));
        // Someone else's write, as a patch: an update on the created copy would itself race the scheduler's condition.
        await _client.PatchAsync(ResourceTypes.Pods, ns, "web", """{"metadata":{"labels":{"someone":"else"}}}""");
        var conflicts = 0;

        var written = await _client.WriteOnTopAsync(ResourceTypes.Pods, held, p => p with { Status = new PodStatus { Phase = "Running" } }, onConflict: () => conflicts++);

        Assert.Equal(1, conflicts);
        Assert.Equal("Running", written!.Status!.Phase);
        Assert.Equal("else", written.Metadata.Labels!["someone"]);
    }

    [Fact]
    public async Task WriteOnTopAsync_GoneOrReplacedByANewObject_NullAndNothingWritten()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var gone = await _client.CreateAsync(ResourceTypes.Pods, Pod(ns, "gone"));
        await _client.DeleteAsync(ResourceTypes.Pods, ns, "gone", gracePeriodSeconds: 0);
        Assert.Null(await _client.WriteOnTopAsync(ResourceTypes.Pods, gone, p => p with { Status = new PodStatus { Phase = "Running" } }));

        var old = await _client.CreateAsync(ResourceTypes.Pods, Pod(ns, "again"));
        await _client.DeleteAsync(ResourceTypes.Pods, ns, "again", gracePeriodSeconds: 0);
        await _client.CreateAsync(ResourceTypes.Pods, Pod(ns, "again"));
        Assert.Null(await _client.WriteOnTopAsync(ResourceTypes.Pods, old, p => p with { Status = new PodStatus { Phase = "Running" } }));
        Assert.NotEqual("Running", (await _client.GetAsync(ResourceTypes.Pods, ns, "again")).Status?.Phase);
    }

    private static Pod Pod(string ns, string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        // Bound at creation: the scheduler leaves it alone, so the only writes are the test's own (CI once saw its
        // Unschedulable condition land between the create and the test's next write).
        Spec = new PodSpec { NodeName = "status-writes-node", Containers = [new Container { Name = "app", Image = "app:v1" }] },
    };
}
