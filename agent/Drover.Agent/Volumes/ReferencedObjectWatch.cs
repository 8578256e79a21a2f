using Drover.Api;
using Drover.Api.Client;

namespace Drover.Agent.Volumes;

/// <summary>
/// One watched ConfigMap or Secret: a <see cref="Reflector{T}"/> over the namespace with fieldSelector
/// metadata.name=NAME (a single-object list and watch, which the node authorizer grants for objects the node's pods
/// reference, as kubelet's watch-based manager asks). Reports every resourceVersion the object moves to — created,
/// changed or deleted, also across a relist after a lost watch. The first list reports too: the pod's sync read the
/// object before the watch began, and a change in between would otherwise wait for the periodic resync (one extra
/// sync per pod start, which the worker folds into any sync already due).
/// </summary>
internal sealed class ReferencedObjectWatch<T> : IReflectorHandler<T>
    where T : KubeObject
{
    private readonly string _name;
    private readonly Action _changed;
    private readonly Action<string> _failed;
    private bool _listed;
    private string? _resourceVersion;

    public ReferencedObjectWatch(string name, Action changed, Action<string> failed)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(failed);
        _name = name;
        _changed = changed;
        _failed = failed;
    }

    Task IReflectorHandler<T>.ListedAsync(ListPage<T> page, CancellationToken ct)
    {
        Saw(page.Items.FirstOrDefault(o => o.Metadata.Name == _name)?.Metadata.ResourceVersion);
        return Task.CompletedTask;
    }

    void IReflectorHandler<T>.Changed(string type, T obj)
    {
        if (obj.Metadata.Name == _name)
            Saw(type == WatchEventTypes.Deleted ? null : obj.Metadata.ResourceVersion);
    }

    void IReflectorHandler<T>.WatchError(Status? error)
    {
    }

    void IReflectorHandler<T>.Failed(Exception error, TimeSpan retryIn) => _failed(error.Message);

    // The reflector calls its handler from one loop: no two calls at once.
    private void Saw(string? resourceVersion)
    {
        if (_listed && string.Equals(resourceVersion, _resourceVersion, StringComparison.Ordinal))
            return;
        _listed = true;
        _resourceVersion = resourceVersion;
        _changed();
    }
}
