using System.Collections.Concurrent;
using System.Diagnostics;
using Drover.Api.Client;

namespace Drover.Bench.HollowNodes;

/// <summary>
/// A steady user of the API while the fleet is busy: <paramref name="perSecond"/> requests a second, alternating a GET
/// of one small object (namespace default) and a LIST of a small collection (namespaces), on its own connections.
/// Open loop: request i is due at start + i/rate and its latency runs from then, so a stall counts against every
/// request that fell due during it.
/// </summary>
internal sealed class ApiProbe(ClientSettings admin, int perSecond)
{
    private static readonly string[] Paths = ["/api/v1/namespaces/default", "/api/v1/namespaces"];
    private readonly ConcurrentBag<long> _samples = [];
    private int _errors;

    public IReadOnlyCollection<long> Samples => _samples;
    public int Errors => _errors;

    public async Task RunAsync(CancellationToken ct)
    {
        using var client = new DroverClient(admin, TimeSpan.FromSeconds(30));
        await client.GetRawAsync(Paths[0], ct).ConfigureAwait(false);   // opens the connection before measuring
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; !ct.IsCancellationRequested; i++)
        {
            var due = start + i * Stopwatch.Frequency / perSecond;
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            inFlight.Add(OneAsync(client, Paths[i % Paths.Length], due));
        }
        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task OneAsync(DroverClient client, string path, long due)
    {
        try
        {
            await client.GetRawAsync(path).ConfigureAwait(false);
            _samples.Add(Stopwatch.GetTimestamp() - due);
        }
        catch (Exception e) when (e is ApiClientException or OperationCanceledException)
        {
            // An error or a 30 s timeout: counted, not sampled (the report shows the count beside the percentiles).
            Interlocked.Increment(ref _errors);
        }
    }
}
