using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Bench.Memory;

/// <summary>
/// A burst of long-lived streams against all three daemons at once: many droverd watches (each starting with the
/// full list of 200 ConfigMaps, then every update of them), many client connections through the ingress, and
/// followed pod logs (droverd → the agent's log server). Everything is held open for a while, then closed.
/// </summary>
internal sealed class WatchBurst(TestCluster cluster, IngressProcess ingress, string host, int watches, int connections, int logFollows, TimeSpan hold)
{
    private const string Namespace = "default";
    private const int ConfigMaps = 200;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{watches} droverd watches (initial list of {ConfigMaps} 2 KiB ConfigMaps, then {ConfigMaps} updates), {connections} concurrent client connections through the ingress, {logFollows} followed pod logs; held {hold.TotalSeconds:0} s, then closed");

    public async Task<string> RunAsync()
    {
        using var api = cluster.Droverd.Client(TimeSpan.FromMinutes(1));
        var names = Enumerable.Range(0, ConfigMaps).Select(i => "mem-small-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
            await api.CreateRawAsync(ResourceTypes.ConfigMaps, Namespace, ConfigMap(name, 0), "application/json", ct).ConfigureAwait(false)).ConfigureAwait(false);

        var pods = (await api.ListAsync(ResourceTypes.Pods, Namespace, SeedManifests.Selector).ConfigureAwait(false)).Items.Select(p => p.Metadata.Name!).ToList();
        using var stop = new CancellationTokenSource();
        // 100 streams per client: one HTTP/2 connection each (Kestrel's default stream limit per connection).
        var clients = Enumerable.Range(0, (watches + 99) / 100).Select(_ => cluster.Droverd.Client(TimeSpan.FromMinutes(1))).ToList();
        var path = DroverClient.CollectionPath(ResourceTypes.ConfigMaps, Namespace) + "?watch=1";
        var watching = Enumerable.Range(0, watches).Select(i => Watchers.DrainAsync(clients[i / 100], path, stop.Token)).ToList();

        var following = Enumerable.Range(0, logFollows).Select(i => Watchers.DrainAsync(api, DroverClient.PodLogPath(Namespace, pods[i % pods.Count], follow: true), stop.Token)).ToList();

        var ok = 0L;
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var http = IngressHttp.Client(ingress.HttpPort);
        var traffic = Enumerable.Range(0, connections).Select(client => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://{host}/"), stop.Token).ConfigureAwait(false);
                    _ = await response.Content.ReadAsByteArrayAsync(stop.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                        Interlocked.Increment(ref ok);
                    else
                        failures.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                {
                    // Refused, reset or timed out (the client's 20 s): a failed request, and the loop goes on.
                    failures.AddOrUpdate(e is OperationCanceledException ? "timeout" : e.GetType().Name, 1, (_, n) => n + 1);
                }
            }
        })).ToList();

        // The updates are spread over the hold, so every watcher sees a steady stream of events.
        var pause = hold / (names.Count + 1);
        var updatesFailed = 0;
        foreach (var name in names)
        {
            await Task.Delay(pause).ConfigureAwait(false);
            try
            {
                await api.SendRawAsync(HttpMethod.Put, DroverClient.ObjectPath(ResourceTypes.ConfigMaps, Namespace, name), ConfigMap(name, 1), "application/json").ConfigureAwait(false);
            }
            catch (Exception e) when (e is ApiClientException or OperationCanceledException)
            {
                // An overloaded droverd (the burst is meant to load it): counted, and the burst goes on.
                updatesFailed++;
            }
        }
        await Task.Delay(pause).ConfigureAwait(false);

        await stop.CancelAsync().ConfigureAwait(false);
        var watched = await Task.WhenAll(watching).ConfigureAwait(false);
        await Task.WhenAll(following).ConfigureAwait(false);
        await Task.WhenAll(traffic).ConfigureAwait(false);
        foreach (var client in clients)
            client.Dispose();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
            await api.DeleteAsync(ResourceTypes.ConfigMaps, Namespace, name, ct: ct).ConfigureAwait(false)).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture,
            $"watch bytes read {watched.Sum() / 1048576.0:0} MiB ({watched.Count(b => b > 0)} of {watches} watches answered); {updatesFailed} of {names.Count} updates failed; ingress requests {ok} ok, {failures.Values.Sum()} failed ({string.Join(", ", failures.Select(f => $"{f.Key} ×{f.Value}"))})");
    }

    private static byte[] ConfigMap(string name, int generation) => Encoding.UTF8.GetBytes(
        JsonText.Fill("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"@0@"},"data":{"generation":"@1@","blob":"@2@"}}""", name, generation, new string('x', 2048)));
}
