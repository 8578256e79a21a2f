using Drover.Api;

namespace Drover.ControlPlane.Informers;

/// <summary>A change of a <typeparamref name="T"/>: <see cref="Old"/> is null for an add, <see cref="New"/> null for a delete.</summary>
public readonly record struct ObjectChange<T>(T? Old, T? New)
    where T : KubeObject
{
    public T Latest => New ?? Old!;
}

/// <summary>
/// A typed view of one shared <see cref="Informer"/> (client-go's typed informer and lister): the cache holds objects
/// of its resource type only, so reads come back as <typeparamref name="T"/> and controllers need no casts.
/// </summary>
public sealed class Informer<T>
    where T : KubeObject
{
    private readonly Informer _shared;

    internal Informer(Informer shared) => _shared = shared;

    public ResourceType Type => _shared.Type;

    /// <inheritdoc cref="Informer.Synced"/>
    public Task Synced => _shared.Synced;

    /// <inheritdoc cref="Informer.Revision"/>
    public long Revision => _shared.Revision;

    public int Count => _shared.Count;

    /// <inheritdoc cref="Informer.AddHandler"/>
    public void AddHandler(Action<ObjectChange<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _shared.AddHandler(change => handler(new ObjectChange<T>((T?)change.Old, (T?)change.New)));
    }

    /// <inheritdoc cref="Informer.AddIndex"/>
    public void AddIndex(string name, Func<T, IEnumerable<string>> keysOf)
    {
        ArgumentNullException.ThrowIfNull(keysOf);
        _shared.AddIndex(name, obj => keysOf((T)obj));
    }

    /// <inheritdoc cref="Informer.EnsureIndex"/>
    public void EnsureIndex(string name, Func<T, IEnumerable<string>> keysOf)
    {
        ArgumentNullException.ThrowIfNull(keysOf);
        _shared.EnsureIndex(name, obj => keysOf((T)obj));
    }

    public T? Get(string? ns, string name) => (T?)_shared.Get(ns, name);

    /// <summary>All cached objects, or those of one namespace.</summary>
    public List<T> List(string? ns = null) => _shared.List(ns).ConvertAll(obj => (T)obj);

    public List<T> ByIndex(string index, string key) => _shared.ByIndex(index, key).ConvertAll(obj => (T)obj);
}
