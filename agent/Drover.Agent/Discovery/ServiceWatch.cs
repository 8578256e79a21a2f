using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Discovery;

/// <summary>
/// The cluster's Services and EndpointSlices, listed and watched from droverd once per agent, for the service
/// proxy and the cluster DNS resolver. While droverd is unreachable the last picture is kept (the kernel rules and
/// the DNS answers stay as they are); the watch resumes, or lists again, when droverd answers.
/// </summary>
internal sealed partial class ServiceWatch
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Func<DroverClient> _api;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Service> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointSlice> _slices = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _servicesListed;
    private bool _slicesListed;

    public ServiceWatch(Func<DroverClient> api, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised after every change (and after each list); readers take a <see cref="TrySnapshot"/> when they are ready.</summary>
    public event Action? Changed;

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(
        WatchAsync(ResourceTypes.Services, _services, () => _servicesListed = true, ct),
        WatchAsync(ResourceTypes.EndpointSlices, _slices, () => _slicesListed = true, ct));

    /// <summary>
    /// The Services and slices now, or false until both have been listed once: a partial picture would remove rules
    /// and names that are still right.
    /// </summary>
    public bool TrySnapshot(out List<Service> services, out List<EndpointSlice> slices)
    {
        lock (_gate)
        {
            if (!_servicesListed || !_slicesListed)
            {
                (services, slices) = ([], []);
                return false;
            }
            (services, slices) = ([.. _services.Values], [.. _slices.Values]);
            return true;
        }
    }

    private async Task WatchAsync<T>(ResourceType type, Dictionary<string, T> cache, Action listed, CancellationToken ct) where T : KubeObject
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var page = await _api().ListAsync(type, null, ct: ct).ConfigureAwait(false);
                lock (_gate)
                {
                    cache.Clear();
                    foreach (var obj in page.Items)
                        if (obj is T typed)
                            cache[Key(typed)] = typed;
                    listed();
                }
                Changed?.Invoke();
                backoff = TimeSpan.FromMilliseconds(500);
                var resourceVersion = page.ResourceVersion;
                var relist = false;
                while (!ct.IsCancellationRequested && !relist)
                {
                    await foreach (var ev in _api().WatchAsync(type, null, resourceVersion, bookmarks: true, ct: ct).ConfigureAwait(false))
                    {
                        if (ev.Type == "ERROR")
                        {
                            relist = true;
                            break;
                        }
                        if (ev.Object is T obj)
                        {
                            lock (_gate)
                            {
                                if (ev.Type == "DELETED")
                                    cache.Remove(Key(obj));
                                else if (ev.Type is "ADDED" or "MODIFIED")
                                    cache[Key(obj)] = obj;
                            }
                            if (ev.Type != "BOOKMARK")
                                Changed?.Invoke();
                        }
                        resourceVersion = ev.ResourceVersion ?? resourceVersion;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                LogWatchFailed(type.Plural, e.Message);
                try
                {
                    await Task.Delay(backoff, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    private static string Key(KubeObject obj) => obj.Metadata.Namespace + "/" + obj.Metadata.Name;

    [LoggerMessage(Level = LogLevel.Warning, Message = "watching {Resource} failed; the service proxy's rules and the DNS answers stay as they are: {Error}")]
    private partial void LogWatchFailed(string resource, string error);
}
