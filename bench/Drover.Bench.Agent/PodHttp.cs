using System.Diagnostics;

namespace Drover.Bench.Agent;

/// <summary>
/// Polls the sample app's /health on a pod IP until it answers 200, the same way for the raw floor and for pods the
/// agent runs, so both rows end at the same event. The host reaches pod IPs on the CNI bridge directly.
/// </summary>
internal sealed class PodHttp : IDisposable
{
    /// <summary>Short enough to add ≤ 5 ms to a measurement, long enough not to steal a core from containerd.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(1),
        // A fresh connection per attempt: a pooled one could outlive the pod it was opened to.
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Returns the Stopwatch timestamp at which the first 200 arrived.</summary>
    public async Task<long> FirstOkAsync(string ip, int port, TimeSpan timeout, CancellationToken ct)
    {
        var uri = new Uri($"http://{ip}:{port}/health");
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        string? last = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                using var response = await _http.GetAsync(uri, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return Stopwatch.GetTimestamp();
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && !ct.IsCancellationRequested)
            {
                // Nothing listens yet (connection refused) or the veth is not up: try again.
                last = e.Message;
            }
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"{uri} did not answer 200 within {timeout.TotalSeconds:0} s (last: {last})");
    }

    public void Dispose() => _http.Dispose();
}
