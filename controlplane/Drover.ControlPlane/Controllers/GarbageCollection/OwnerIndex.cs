using Drover.Api;

namespace Drover.ControlPlane.Controllers.GarbageCollection;

/// <summary>Which objects exist (by uid) and who depends on whom; thread-safe, updated from the watch.</summary>
internal sealed class OwnerIndex
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _liveUids = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectRef, string[]> _ownersOf = [];
    private readonly Dictionary<string, HashSet<ObjectRef>> _dependentsOf = new(StringComparer.Ordinal);

    public void Put(ObjectRef obj, ObjectMeta meta)
    {
        lock (_lock)
        {
            if (meta.Uid is { } uid)
                _liveUids.Add(uid);
            RemoveEdges(obj);
            var owners = meta.OwnerReferences?.Select(r => r.Uid).ToArray() ?? [];
            if (owners.Length == 0)
                return;
            _ownersOf[obj] = owners;
            foreach (var owner in owners)
            {
                if (!_dependentsOf.TryGetValue(owner, out var set))
                    _dependentsOf[owner] = set = [];
                set.Add(obj);
            }
        }
    }

    public void Remove(ObjectRef obj, ObjectMeta meta)
    {
        lock (_lock)
        {
            if (meta.Uid is { } uid)
                _liveUids.Remove(uid);
            RemoveEdges(obj);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _liveUids.Clear();
            _ownersOf.Clear();
            _dependentsOf.Clear();
        }
    }

    public IReadOnlyList<ObjectRef> DependentsOf(string? ownerUid)
    {
        if (ownerUid is null)
            return [];
        lock (_lock)
            return _dependentsOf.TryGetValue(ownerUid, out var set) ? [.. set] : [];
    }

    /// <summary>True when the object has owners and none of them exists any more.</summary>
    public bool AllOwnersGone(ObjectRef obj)
    {
        lock (_lock)
            return _ownersOf.TryGetValue(obj, out var owners) && owners.All(o => !_liveUids.Contains(o));
    }

    private void RemoveEdges(ObjectRef obj)
    {
        if (!_ownersOf.Remove(obj, out var owners))
            return;
        foreach (var owner in owners)
            if (_dependentsOf.TryGetValue(owner, out var set) && set.Remove(obj) && set.Count == 0)
                _dependentsOf.Remove(owner);
    }
}
