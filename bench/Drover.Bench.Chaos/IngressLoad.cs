using System.Diagnostics;
using System.Net;
using Drover.Testing;

namespace Drover.Bench.Chaos;

/// <summary>
/// Constant load on the app through drover-ingress: <c>workers</c> clients, each sending GET / and waiting
/// <c>pause</c> before the next. Every request is kept with when it started and ended and whether it got a 200, so the
/// error rate can be told per fault afterwards.
/// </summary>
internal sealed class IngressLoad(IngressProcess ingress, Stopwatch clock, int workers, TimeSpan pause)
{
    private readonly List<(TimeSpan At, TimeSpan Ended, bool Ok, string? Error)> _requests = [];

    public IReadOnlyList<(TimeSpan At, TimeSpan Ended, bool Ok, string? Error)> Requests
    {
        get
        {
            lock (_requests)
                return [.. _requests];
        }
    }

    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkerAsync(ct)));

    private async Task WorkerAsync(CancellationToken ct)
    {
        // One client (keep-alive connection) per worker, as a browser or a service would hold one.
        using var http = IngressHttp.Client(ingress.HttpPort);
        http.Timeout = TimeSpan.FromSeconds(5);
        var uri = new Uri($"http://{ChaosCluster.Host}/");
        while (!ct.IsCancellationRequested)
        {
            var at = clock.Elapsed;
            string? error = null;
            try
            {
                using var response = await http.GetAsync(uri, ct).ConfigureAwait(false);
                _ = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK)
                    error = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                error = e is OperationCanceledException ? "timeout" : e.InnerException?.GetType().Name ?? e.GetType().Name;
            }
            lock (_requests)
                _requests.Add((at, clock.Elapsed, error is null, error));
            try
            {
                await Task.Delay(pause, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
