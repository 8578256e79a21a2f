using System.Collections.Concurrent;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.ControlPlane.Leadership.Tests;

/// <summary>
/// Constant write load with a client-side ledger: ConfigMaps created one after another through a client that fails
/// over between the replicas; a name enters the ledger only once droverd acknowledged its create. Failed creates are
/// counted, never assumed lost or kept.
/// </summary>
internal sealed class WriteLedger : IAsyncDisposable
{
    private readonly DroverClient _client;
    private readonly string _prefix;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly ConcurrentQueue<string> _acknowledged = new();
    private int _failed;
    private readonly ConcurrentQueue<DateTime> _acknowledgedAt = new();

    public WriteLedger(ClientSettings settings, string prefix)
    {
        _client = new DroverClient(settings, TimeSpan.FromSeconds(10));
        _prefix = prefix;
        _running = Task.Run(RunAsync);
    }

    public IReadOnlyCollection<string> Acknowledged => _acknowledged;

    /// <summary>The first acknowledgement (UTC) after <paramref name="instant"/>, if there was one yet.</summary>
    public DateTime? FirstAcknowledgedAfter(DateTime instant) =>
        _acknowledgedAt.Where(t => t > instant).Select(t => (DateTime?)t).DefaultIfEmpty(null).Min();

    public int Failed => Volatile.Read(ref _failed);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        // Bounded: at most 5,000 writes, whatever happens to the cluster.
        for (var i = 0; i < 5000 && !_stop.IsCancellationRequested; i++)
        {
            var name = $"{_prefix}-{i:D5}";
            var map = new ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = new ObjectMeta { Name = name, Namespace = "default" },
                Data = new() { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
            try
            {
                await _client.CreateAsync(ResourceTypes.ConfigMaps, map);
                _acknowledged.Enqueue(name);
                _acknowledgedAt.Enqueue(DateTime.UtcNow);
            }
            catch (ApiClientException)
            {
                Interlocked.Increment(ref _failed);
                await Task.Delay(50);
            }
        }
    }
}
