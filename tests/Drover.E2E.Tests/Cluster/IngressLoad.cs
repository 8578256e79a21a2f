using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// Constant load through drover-ingress: <c>clients</c> keep-alive clients (one connection each, counted),
/// each sending to <c>url</c> back to back with a short pause, GET and POST (a small body) in turn: the
/// ingress retries a bodiless request that found its pod gone on another one, never a POST, so the POSTs
/// fail if a request ever reaches a stopped pod. Every answer is stamped and parsed: the sample
/// app says "Hello from POD (version V)", so the samples tell which pod served when. Anything else (a status
/// other than 200, another body, a broken connection, a timeout) is a failure, kept with its time and reason.
/// </summary>
internal sealed partial class IngressLoad : IAsyncDisposable
{
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<HttpClient> _clients = [];
    private readonly Task _running;
    private readonly long _started = Stopwatch.GetTimestamp();
    private int _connections;
    private bool _disposed;

    public IngressLoad(int port, Uri url, int clients, TimeSpan pause)
    {
        ArgumentNullException.ThrowIfNull(url);
        for (var i = 0; i < clients; i++)
            _clients.Add(IngressHttp.Client(port, () => Interlocked.Increment(ref _connections)));
        ClientCount = clients;
        _running = Task.WhenAll(_clients.Select(c => Task.Run(() => RunAsync(c, url, pause, _stop.Token))));
    }

    public int ClientCount { get; }

    /// <summary>TCP connections the clients opened; equal to <see cref="ClientCount"/> while none was dropped.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyCollection<Sample> Samples => _samples;

    public IReadOnlyCollection<string> Failures => _failures;

    public int Requests => _samples.Count + _failures.Count;

    /// <summary>The last time <paramref name="pod"/> answered, or null if it never did.</summary>
    public long? LastServedBy(string pod) => _samples.Where(s => s.Pod == pod).Select(s => (long?)s.At).Max();

    /// <summary>The first time <paramref name="pod"/> answered at or after <paramref name="since"/>, or null.</summary>
    public long? FirstServedBy(string pod, long since = 0) => _samples.Where(s => s.Pod == pod && s.At >= since).Select(s => (long?)s.At).Min();

    /// <summary>One line for the test output: requests, failures, connections, answers per pod and version.</summary>
    public string Summary() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Requests} requests in {Stopwatch.GetElapsedTime(_started).TotalSeconds:0.0} s, {_failures.Count} failed, {Connections} connection(s) for {ClientCount} client(s); by pod: ")
        + string.Join(", ", _samples.GroupBy(s => (s.Pod, s.Version)).OrderBy(g => g.Min(s => s.At)).Select(g => $"{g.Key.Pod} ({g.Key.Version}) {g.Count()}"));

    /// <summary>Lets a few more requests through after <see cref="Requests"/> reaches the current count + <paramref name="more"/>.</summary>
    public async Task WaitForMoreAsync(int more, TimeSpan timeout)
    {
        var target = Requests + more;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Requests < target)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"the load made fewer than {more} requests within {timeout.TotalSeconds:0} s: {Summary()}");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(HttpClient client, Uri url, TimeSpan pause, CancellationToken ct)
    {
        for (var n = 0; !ct.IsCancellationRequested; n++)
        {
            string? failure;
            var post = n % 2 == 1;
            try
            {
                using var request = new HttpRequestMessage(post ? HttpMethod.Post : HttpMethod.Get, url);
                if (post)
                    request.Content = new StringContent("n=" + n.ToString(CultureInfo.InvariantCulture));
                using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                var hello = HelloPattern().Match(body);
                if (response.StatusCode == HttpStatusCode.OK && hello.Success)
                {
                    _samples.Enqueue(new Sample(Stopwatch.GetTimestamp(), hello.Groups["pod"].Value, hello.Groups["version"].Value));
                    failure = null;
                }
                else
                {
                    failure = $"HTTP {(int)response.StatusCode}: {body.Trim()}";
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
            {
                failure = e.GetType().Name + ": " + e.Message;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            if (failure is not null)
                _failures.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} {(post ? "POST" : "GET")} {url}: {failure}"));
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

    [GeneratedRegex(@"^Hello from (?<pod>\S+) \(version (?<version>[^)]+)\)")]
    private static partial Regex HelloPattern();

    /// <summary>Stops the clients (requests in flight are abandoned, not counted); idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        foreach (var client in _clients)
            client.Dispose();
        _stop.Dispose();
    }

    /// <summary>One good answer: when (Stopwatch timestamp), which pod, which app version.</summary>
    public sealed record Sample(long At, string Pod, string Version);
}
