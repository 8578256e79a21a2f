using System.Collections.Concurrent;
using Drover.Api;
using Drover.Api.Client;

using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// Reads a Service's Endpoints every 100 ms while a rollout runs, and sends every address listed as ready
/// an HTTP GET on the target port, straight to the pod IP over the node's bridge (the host routes to each
/// drover1X bridge). A failed request counts as a violation only if droverd still lists the address as
/// ready after the failure: otherwise the Endpoints changed between the read and the request (the pod was
/// being deleted), the window every client of a Kubernetes-shaped API lives with.
/// </summary>
internal sealed class EndpointsSampler : IAsyncDisposable
{
    private readonly DroverClient _api;
    private readonly string _service;
    private readonly int _port;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<string> _raced = new();
    private readonly Task _loop;
    private bool _disposed;

    public EndpointsSampler(DroverClient api, string service, int port)
    {
        _api = api;
        _service = service;
        _port = port;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public int Samples { get; private set; }

    public int MinReady { get; private set; } = int.MaxValue;

    public int Requests { get; private set; }

    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Requests that failed to an address droverd had already taken out of the Endpoints.</summary>
    public IReadOnlyCollection<string> Raced => _raced;

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var ready = await ReadyAddressesAsync(ct).ConfigureAwait(false);
            Samples++;
            MinReady = Math.Min(MinReady, ready.Count);
            Requests += ready.Count;
            await Task.WhenAll(ready.Select(ip => CheckAsync(ip, ct))).ConfigureAwait(false);
        }
    }

    private async Task CheckAsync(string ip, CancellationToken ct)
    {
        var url = new Uri($"http://{ip}:{_port}/health");
        string? failure;
        try
        {
            using var response = await _http.GetAsync(url, ct).ConfigureAwait(false);
            failure = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            failure = e.Message;
        }
        if (failure is null)
            return;
        var stillListed = (await ReadyAddressesAsync(ct).ConfigureAwait(false)).Contains(ip);
        (stillListed ? _violations : _raced).Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {url}: {failure}");
    }

    private async Task<HashSet<string>> ReadyAddressesAsync(CancellationToken ct)
    {
        var endpoints = (Endpoints?)await _api.TryGetAsync(ResourceTypes.Endpoints, "default", _service, ct).ConfigureAwait(false);
        return [.. (endpoints?.Subsets ?? []).SelectMany(s => s.Addresses ?? []).Select(a => a.Ip)];
    }

    /// <summary>Stops sampling; idempotent, so a test can stop it to read the figures inside its using.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _http.Dispose();
    }
}
