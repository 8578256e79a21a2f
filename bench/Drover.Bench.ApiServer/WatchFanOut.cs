using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api.Client;

namespace Drover.Bench.ApiServer;

internal sealed record WatchResult(
    int Watchers, int Creates, OpenLoopResult Creation, long[][] Received, int Duplicates, int OtherEvents, string? FirstError, double DrainSeconds, Window Window)
{
    public long Delivered => Received.Sum(r => r.LongCount(t => t != 0));
    public long Expected => (long)Watchers * Creates;

    /// <summary>Delivery time minus the create's acknowledgement (negative: the watcher had it before the creator's ack).</summary>
    public IEnumerable<long> FromAck() => Pairs().Select(p => p.Received - Creation.Acked[p.Index]);

    public IEnumerable<long> FromSend() => Pairs().Select(p => p.Received - Creation.Sent[p.Index]);

    /// <summary>Per event seen by every watcher: last delivery minus first (the fan-out's own spread, one clock).</summary>
    public IEnumerable<long> Spread() => Enumerable.Range(0, Creates)
        .Where(i => Received.All(r => r[i] != 0))
        .Select(i => Received.Max(r => r[i]) - Received.Min(r => r[i]));

    private IEnumerable<(int Index, long Received)> Pairs() =>
        Received.SelectMany(r => Enumerable.Range(0, r.Length).Where(i => r[i] != 0 && Creation.Acked[i] != 0).Select(i => (i, r[i])));
}

/// <summary>
/// N watchers on the pods of one namespace (each its own HTTPS connection, as N separate clients would be), then M
/// creates at a steady rate; every watcher timestamps each ADDED event as its line arrives. The watchers read raw lines
/// and pick out metadata.name by hand rather than deserializing pods, so the load generator costs as little CPU as it
/// can on a machine it shares with droverd.
/// </summary>
internal static class WatchFanOut
{
    public static async Task<WatchResult> RunAsync(DroverdInstance server, string ns, int watchers, int creates, double rate)
    {
        using var http = NewHttpClient(server.Settings);
        var received = Enumerable.Range(0, watchers).Select(_ => new long[creates]).ToArray();
        var counts = new int[watchers];
        var duplicates = 0;
        var other = 0;
        string? firstError = null;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var connected = new CountdownEvent(watchers);

        async Task Watcher(int w)
        {
            var mine = received[w];
            var signalled = false;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Load.PodsPath(ns) + "?watch=1&timeoutSeconds=300");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                connected.Signal();
                signalled = true;
                using var stream = await response.Content.ReadAsStreamAsync(stop.Token).ConfigureAwait(false);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                while (await reader.ReadLineAsync(stop.Token).ConfigureAwait(false) is { } line)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (line.Length == 0)
                        continue;
                    if (!line.StartsWith("{\"type\":\"ADDED\"", StringComparison.Ordinal) || PodIndex(line) is not { } index || index >= creates)
                    {
                        Interlocked.Increment(ref other);
                        if (line.StartsWith("{\"type\":\"ERROR\"", StringComparison.Ordinal))
                            Interlocked.CompareExchange(ref firstError, line, null);
                        continue;
                    }
                    if (mine[index] != 0)
                    {
                        Interlocked.Increment(ref duplicates);
                        continue;
                    }
                    mine[index] = now;
                    if (++counts[w] == creates)
                    {
                        if (Interlocked.Increment(ref finished) == watchers)
                            allReceived.TrySetResult();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Drain timeout: whatever did not arrive is reported as missing.
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                Interlocked.CompareExchange(ref firstError, e.Message, null);
            }
            if (!signalled)
                connected.Signal();
        }

        var watcherTasks = Enumerable.Range(0, watchers).Select(w => Task.Run(() => Watcher(w))).ToArray();
        await Task.Run(() => connected.Wait(TimeSpan.FromSeconds(30))).ConfigureAwait(false);
        // The server subscribes right after sending headers (and replays from the list revision, so nothing can be
        // missed); waiting for its gauge just keeps subscription work out of the measured window.
        for (var i = 0; i < 100 && await OpenWatchesAsync(server.Client).ConfigureAwait(false) < watchers; i++)
            await Task.Delay(50).ConfigureAwait(false);
        await Task.Delay(500).ConfigureAwait(false);

        var before = await Snapshot.TakeAsync(server).ConfigureAwait(false);
        var creation = await Load.OpenLoopAsync(server.Client, ns, "w-", rate, creates).ConfigureAwait(false);
        var drainStart = Stopwatch.GetTimestamp();
        await Task.WhenAny(allReceived.Task, Task.Delay(TimeSpan.FromSeconds(30))).ConfigureAwait(false);
        var drain = Latency.Ms(Stopwatch.GetTimestamp() - drainStart) / 1000.0;
        var window = Window.Between(before, await Snapshot.TakeAsync(server).ConfigureAwait(false));
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(watcherTasks).ConfigureAwait(false);
        return new WatchResult(watchers, creates, creation, received, duplicates, other, firstError, drain, window);
    }

    /// <summary>"w-123" from the first "name":"w-…" of the event line (metadata.name; the container is named "c").</summary>
    private static int? PodIndex(string line)
    {
        const string marker = "\"name\":\"w-";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
            return null;
        var from = at + marker.Length;
        var to = line.IndexOf('"', from);
        return to > from && int.TryParse(line.AsSpan(from, to - from), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
    }

    private static async Task<double> OpenWatchesAsync(DroverClient client)
    {
        var text = Encoding.UTF8.GetString(await client.GetRawAsync("/metrics").ConfigureAwait(false));
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("drover_apiserver_open_watches{", StringComparison.Ordinal) && line.Contains("pods", StringComparison.Ordinal))
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return 0;
    }

    /// <summary>An HttpClient like DroverClient's (cluster CA only, bearer token) that can stream many watches at once.</summary>
    private static HttpClient NewHttpClient(ClientSettings settings)
    {
        var trusted = settings.CaCertificates();
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                        return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    using var leaf = new X509Certificate2(certificate);
                    return chain.Build(leaf);
                },
            },
        };
        var http = new HttpClient(handler) { BaseAddress = settings.Server, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        return http;
    }
}
