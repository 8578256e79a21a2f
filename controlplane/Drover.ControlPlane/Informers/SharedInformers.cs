using Drover.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Informers;

/// <summary>
/// One <see cref="Informer"/> per resource type for all of droverd's controllers, so 10,000 pods are decoded
/// and cached once, not once per controller. Controllers take their informers in their constructors (before
/// the host starts) and await <see cref="Informer.Synced"/> before working; an informer asked for after the
/// start runs at once.
/// </summary>
public sealed class SharedInformers : BackgroundService
{
    private readonly ObjectService _objects;
    private readonly ILoggerFactory _loggers;
    private readonly object _gate = new();
    private readonly Dictionary<ResourceType, Informer> _informers = [];
    private readonly List<Task> _running = [];
    private CancellationToken _stopping;
    private bool _started;

    public SharedInformers(ObjectService objects, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(loggers);
        _objects = objects;
        _loggers = loggers;
    }

    /// <summary>The shared informer of <paramref name="type"/>, read as <typeparamref name="T"/>.</summary>
    public Informer<T> For<T>(ResourceType<T> type)
        where T : KubeObject =>
        new(For((ResourceType)type));

    public Informer For(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            if (_informers.TryGetValue(type, out var existing))
                return existing;
            var informer = new Informer(type, _objects, _loggers.CreateLogger("Drover.ControlPlane.Controllers.Informer"));
            _informers.Add(type, informer);
            if (_started)
                _running.Add(informer.RunAsync(_stopping));
            return informer;
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task[] running;
        lock (_gate)
        {
            _stopping = stoppingToken;
            _started = true;
            foreach (var informer in _informers.Values)
                _running.Add(informer.RunAsync(stoppingToken));
            running = [.. _running];
        }
        return Task.WhenAll(running);
    }
}
