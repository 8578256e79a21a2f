using Drover.Api;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Probes;

/// <summary>
/// The probers of one pod's running containers, keyed by container id: the pod worker reconciles this
/// set after every sync (new container → new prober, gone container → prober stopped).
/// Used by one pod worker at a time.
/// </summary>
internal sealed class PodProbers : IAsyncDisposable
{
    private readonly ProbeRunner _runner;
    private readonly TimeProvider _time;
    private readonly IProbeListener _listener;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ContainerProber> _byContainerId = new(StringComparer.Ordinal);

    public PodProbers(ProbeRunner runner, TimeProvider time, IProbeListener listener, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(logger);
        _runner = runner;
        _time = time;
        _listener = listener;
        _logger = logger;
    }

    /// <summary>
    /// Running containers: (spec, container id, started at, and what the pod's status last reported for this container
    /// id — used only for a container this set has no prober for yet, i.e. one an earlier agent process was probing).
    /// </summary>
    public async Task ReconcileAsync(string podIp, IReadOnlyList<(Container Spec, string ContainerId, DateTimeOffset StartedAt, (bool Started, bool Ready)? Reported)> running)
    {
        ArgumentNullException.ThrowIfNull(running);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (spec, id, startedAt, reported) in running)
        {
            wanted.Add(id);
            var target = new ProbeTarget(podIp, id, spec);
            if (_byContainerId.TryGetValue(id, out var existing))
            {
                existing.UpdateTarget(target);
                continue;
            }

            var prober = new ContainerProber(_runner, target, startedAt, _time, _listener, _logger, reported);
            _byContainerId[id] = prober;
            prober.Start();
        }

        foreach (var id in _byContainerId.Keys.Where(id => !wanted.Contains(id)).ToList())
        {
            var prober = _byContainerId[id];
            _byContainerId.Remove(id);
            await prober.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>(started, ready) of a container; a container without a prober has neither.</summary>
    public (bool Started, bool Ready) StateOf(string containerId) =>
        _byContainerId.TryGetValue(containerId, out var prober) ? (prober.Started, prober.Ready) : (false, false);

    public async ValueTask DisposeAsync()
    {
        foreach (var prober in _byContainerId.Values)
        {
            await prober.DisposeAsync().ConfigureAwait(false);
        }

        _byContainerId.Clear();
    }
}
