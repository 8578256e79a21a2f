using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Bench.Memory;

/// <summary>
/// A burst of large objects, each ~<c>kib</c> KiB: ConfigMaps (droverd only), Pods bound to the node with a large
/// annotation (droverd and the agent), Services and Ingresses with a large annotation (droverd and the ingress).
/// Every object is created, updated once and deleted again; one unpaginated LIST reads all the ConfigMaps. Fast
/// watchers follow the ConfigMaps the whole time, and one watcher never reads (a stuck client): what droverd keeps
/// for it is what a stuck client can cost.
/// </summary>
internal sealed class LargeObjectBurst(TestCluster cluster, string nodeName, int objects, int kib, int pods, int ingresses)
{
    private const string Namespace = "default";
    private int _seed;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{objects} ConfigMaps, {pods} Pods bound to {nodeName} and {ingresses} Services + Ingresses, each with {kib} KiB of data or annotation: created, updated once, deleted; one unpaginated LIST of the ConfigMaps; 8 watchers reading the ConfigMaps and 1 that never reads");

    public async Task RunAsync()
    {
        using var api = cluster.Droverd.Client(TimeSpan.FromMinutes(2));
        var start = (await api.ListAsync(ResourceTypes.ConfigMaps, Namespace, limit: 1).ConfigureAwait(false)).ResourceVersion;
        using var watching = new CancellationTokenSource();
        var watchers = Enumerable.Range(0, 8).Select(_ => Watchers.DrainAsync(cluster.Droverd, WatchPath(start), watching.Token)).ToList();
        await using var stuck = await Watchers.StuckAsync(cluster.Droverd, WatchPath(start)).ConfigureAwait(false);

        await Task.WhenAll(
            ConfigMapsAsync(api),
            PodsAsync(api),
            IngressesAsync(api)).ConfigureAwait(false);

        await watching.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(watchers).ConfigureAwait(false);
    }

    private static string WatchPath(string? resourceVersion) =>
        DroverClient.CollectionPath(ResourceTypes.ConfigMaps, Namespace) + "?watch=1&resourceVersion=" + resourceVersion;

    private async Task ConfigMapsAsync(DroverClient api)
    {
        var names = Enumerable.Range(0, objects).Select(i => "mem-cm-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await Parallel.ForEachAsync(names, Options(), async (name, ct) =>
            await api.CreateRawAsync(ResourceTypes.ConfigMaps, Namespace, ConfigMap(name), "application/json", ct).ConfigureAwait(false)).ConfigureAwait(false);
        await Parallel.ForEachAsync(names, Options(), async (name, ct) =>
            await api.SendRawAsync(HttpMethod.Put, DroverClient.ObjectPath(ResourceTypes.ConfigMaps, Namespace, name), ConfigMap(name), "application/json", ct).ConfigureAwait(false)).ConfigureAwait(false);
        _ = await api.GetRawAsync(DroverClient.CollectionPath(ResourceTypes.ConfigMaps, Namespace)).ConfigureAwait(false);
        await Parallel.ForEachAsync(names, Options(), async (name, ct) =>
            await api.DeleteAsync(ResourceTypes.ConfigMaps, Namespace, name, ct: ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task PodsAsync(DroverClient api)
    {
        var names = Enumerable.Range(0, pods).Select(i => "mem-pod-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await Parallel.ForEachAsync(names, Options(4), async (name, ct) =>
            await api.CreateRawAsync(ResourceTypes.Pods, Namespace, Pod(name), "application/json", ct).ConfigureAwait(false)).ConfigureAwait(false);
        await cluster.WaitAsync(async a =>
        {
            var list = await a.ListAsync(ResourceTypes.Pods, Namespace, "bench=memory").ConfigureAwait(false);
            return list.Items.Count(p => p is Pod { Status.Phase: "Running" }) == names.Count;
        }, TimeSpan.FromMinutes(3), $"{names.Count} large pods Running").ConfigureAwait(false);
        await Parallel.ForEachAsync(names, Options(4), async (name, ct) =>
            await api.PatchAsync(ResourceTypes.Pods, Namespace, name, JsonText.Fill("""{"metadata":{"annotations":{"bench/blob":"@0@"}}}""", Blob()), ct: ct).ConfigureAwait(false)).ConfigureAwait(false);
        await Parallel.ForEachAsync(names, Options(4), async (name, ct) =>
            await api.DeleteAsync(ResourceTypes.Pods, Namespace, name, gracePeriodSeconds: 1, ct: ct).ConfigureAwait(false)).ConfigureAwait(false);
        await cluster.WaitAsync(async a => (await a.ListAsync(ResourceTypes.Pods, Namespace, "bench=memory").ConfigureAwait(false)).Items.Count == 0,
            TimeSpan.FromMinutes(3), "the large pods gone").ConfigureAwait(false);
    }

    private async Task IngressesAsync(DroverClient api)
    {
        var names = Enumerable.Range(0, ingresses).Select(i => "mem-ing-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await Parallel.ForEachAsync(names, Options(4), async (name, ct) =>
        {
            await api.CreateRawAsync(ResourceTypes.Services, Namespace, Service(name), "application/json", ct).ConfigureAwait(false);
            await api.CreateRawAsync(ResourceTypes.Ingresses, Namespace, Ingress(name), "application/json", ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await Parallel.ForEachAsync(names, Options(4), async (name, ct) =>
            await api.PatchAsync(ResourceTypes.Ingresses, Namespace, name, JsonText.Fill("""{"metadata":{"annotations":{"bench/blob":"@0@"}}}""", Blob()), ct: ct).ConfigureAwait(false)).ConfigureAwait(false);
        await Parallel.ForEachAsync(names, Options(4), async (name, ct) =>
        {
            await api.DeleteAsync(ResourceTypes.Ingresses, Namespace, name, ct: ct).ConfigureAwait(false);
            await api.DeleteAsync(ResourceTypes.Services, Namespace, name, ct: ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static ParallelOptions Options(int parallel = 8) => new() { MaxDegreeOfParallelism = parallel };

    private byte[] ConfigMap(string name) => Encoding.UTF8.GetBytes(
        JsonText.Fill("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"@0@"},"data":{"blob":"@1@"}}""", name, Blob()));

    private byte[] Pod(string name) => Encoding.UTF8.GetBytes(
        JsonText.Fill("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"@0@","labels":{"bench":"memory"},"annotations":{"bench/blob":"@1@"}},"spec":{"nodeName":"@2@","terminationGracePeriodSeconds":1,"containers":[{"name":"app","image":"@3@"}]}}""", name, Blob(), nodeName, SeedManifests.ImageV1));

    private byte[] Service(string name) => Encoding.UTF8.GetBytes(
        JsonText.Fill("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"@0@","annotations":{"bench/blob":"@1@"}},"spec":{"selector":{"app":"@2@"},"ports":[{"port":80,"targetPort":3000}]}}""", name, Blob(), name));

    private byte[] Ingress(string name) => Encoding.UTF8.GetBytes(
        JsonText.Fill("""{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"@0@","annotations":{"bench/blob":"@1@"}},"spec":{"rules":[{"host":"@2@.bench.example","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"@3@","port":{"number":80}}}}]}}]}}""", name, Blob(), name, name));

    /// <summary>Letters from a seeded generator, different for every call (so no two revisions share their bytes).</summary>
    private string Blob()
    {
        var random = new Random(Interlocked.Increment(ref _seed));
        return string.Create(kib * 1024, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = (char)('a' + r.Next(26));
        });
    }
}
