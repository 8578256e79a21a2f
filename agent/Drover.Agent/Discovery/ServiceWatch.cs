using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Discovery;

/// <summary>
/// The cluster's Services and EndpointSlices, listed and watched from droverd once per agent (two of the toolkit's
/// <see cref="Informer{T}"/>), for the service proxy and the cluster DNS resolver. While droverd is unreachable the
/// last picture is kept (the kernel rules and the DNS answers stay as they are); the watch resumes, or lists again
/// after a jittered backoff, when droverd answers.
/// </summary>
internal sealed class ServiceWatch
{
    private readonly Informer<Service> _services;
    private readonly Informer<EndpointSlice> _slices;

    public ServiceWatch(DroverClient api, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        // 0.5 s doubling to 30 s, as the loop this replaced waited.
        var services = new ReflectorOptions<Service> { Time = time, BackoffInitial = TimeSpan.FromMilliseconds(500), BackoffMax = TimeSpan.FromSeconds(30) };
        var slices = new ReflectorOptions<EndpointSlice> { Time = time, BackoffInitial = services.BackoffInitial, BackoffMax = services.BackoffMax };
        _services = new Informer<Service>(api, ResourceTypes.Services, OnChanged, logger, services);
        _slices = new Informer<EndpointSlice>(api, ResourceTypes.EndpointSlices, OnChanged, logger, slices);
    }

    /// <summary>Raised after every change (and after each list); readers take a <see cref="TrySnapshot"/> when they are ready.</summary>
    public event Action? Changed;

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(_services.RunAsync(ct), _slices.RunAsync(ct));

    /// <summary>
    /// The Services and slices now, or false until both have been listed once: a partial picture would remove rules
    /// and names that are still right.
    /// </summary>
    public bool TrySnapshot(out List<Service> services, out List<EndpointSlice> slices)
    {
        if (!_services.Synced.IsCompleted || !_slices.Synced.IsCompleted)
        {
            (services, slices) = ([], []);
            return false;
        }
        (services, slices) = ([.. _services.Snapshot().Values], [.. _slices.Snapshot().Values]);
        return true;
    }

    private void OnChanged() => Changed?.Invoke();
}
