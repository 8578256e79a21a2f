using System.Security.Cryptography;
using Drover.Api;
using Drover.Api.Patching;
using Drover.ControlPlane.Registry.Strategies;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry;

/// <summary>
/// The registry: the one path every object takes, whoever asks — the REST verbs (after authorisation), droverd's
/// controllers and scheduler (in-process, no HTTP). Server-owned metadata, defaulting, validation, generation and
/// optimistic concurrency live here once, so a controller's write is held to the same rules as a user's; what is
/// particular to a kind is its <see cref="IResourceStrategy"/>'s. Below it is only the storage layer.
/// </summary>
public sealed partial class ObjectService
{
    private readonly ObjectStore _objects;
    private readonly TimeProvider _time;
    private readonly ObjectDeleter _deleter;
    private readonly ResourceStrategies _strategies;
    private readonly NamespaceCache? _namespaces;

    /// <param name="namespaces">On a remote store, the namespaces as this replica's watch saw them (null: read the store).</param>
    public ObjectService(ObjectStore objects, TimeProvider time, ObjectDeleter deleter, ResourceStrategies strategies, NamespaceCache? namespaces = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(deleter);
        ArgumentNullException.ThrowIfNull(strategies);
        _objects = objects;
        _time = time;
        _deleter = deleter;
        _strategies = strategies;
        _namespaces = namespaces;
    }

    /// <summary>Creates <paramref name="obj"/>: name from generateName, uid, creationTimestamp, generation 1, status reset, admission.</summary>
    public Task<KubeObject> CreateAsync(ResourceType type, KubeObject obj, CancellationToken ct) => CreateAsync(type, obj, dryRun: false, ct);

    /// <summary>With <paramref name="dryRun"/> (?dryRun=All) everything is checked and the would-be object returned, and nothing is written.</summary>
    public Task<KubeObject> CreateAsync(ResourceType type, KubeObject obj, bool dryRun, CancellationToken ct) => CreateAsync(type, obj, dryRun, manager: null, ct);

    /// <summary>
    /// As above; a request's <paramref name="manager"/> (null: droverd's own writes) is recorded in managedFields as the
    /// owner of every field the object is created with, defaults included (<see cref="ManagedFieldsUpdate"/>).
    /// </summary>
    public async Task<KubeObject> CreateAsync(ResourceType type, KubeObject obj, bool dryRun, FieldManager? manager, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        await EnsureNamespaceAcceptsAsync(type, obj.Metadata.Namespace, ct).ConfigureAwait(false);

        var strategy = _strategies.For(type);
        var meta = obj.Metadata;
        var name = meta.Name;
        if (string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(meta.GenerateName))
            name = meta.GenerateName + RandomSuffix();
        obj = obj with
        {
            Metadata = meta with
            {
                Name = name,
                Uid = Guid.NewGuid().ToString(),
                CreationTimestamp = _time.GetUtcNowSeconds(),
                ResourceVersion = null,
                Generation = 1,
                DeletionTimestamp = null,
                DeletionGracePeriodSeconds = null,
            },
        };
        // Status is the server's to write: a create starts from the kind's initial status.
        obj = strategy.Canonicalize(Admission.Admit(type, strategy.PrepareForCreate(obj), existing: null));
        if (manager is not null)
            obj = ManagedFieldsUpdate.Track(type, null, obj, manager, _time.GetUtcNow());
        if (dryRun)
        {
            if (!string.IsNullOrEmpty(name) && await _objects.GetAsync(type, obj.Metadata.Namespace, name, ct).ConfigureAwait(false) is not null)
                throw new ApiException(ApiErrors.AlreadyExists(type, name));
            return obj;
        }
        return await strategy.CreateAsync(obj, o => _objects.CreateAsync(type, o, ct), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces <paramref name="existing"/> with <paramref name="incoming"/> (everything but server-owned
    /// metadata, or only the status when <paramref name="statusOnly"/>): a stale resourceVersion is a 409,
    /// an unchanged object is not written at all.
    /// </summary>
    public Task<KubeObject> UpdateAsync(ResourceType type, KubeObject incoming, KubeObject existing, bool statusOnly, CancellationToken ct) =>
        UpdateAsync(type, incoming, existing, statusOnly, dryRun: false, ct);

    /// <summary>As above; with <paramref name="dryRun"/> the updated object is returned and nothing is written.</summary>
    public Task<KubeObject> UpdateAsync(ResourceType type, KubeObject incoming, KubeObject existing, bool statusOnly, bool dryRun, CancellationToken ct) =>
        UpdateAsync(type, incoming, existing, statusOnly, dryRun, manager: null, ct);

    /// <summary>
    /// As above; a request's <paramref name="manager"/> (null: droverd's own writes, and server-side apply, which sets
    /// managedFields itself) takes in managedFields the fields this update changes (<see cref="ManagedFieldsUpdate"/>).
    /// Status writes are not tracked: droverd's status writers are its own agents and controllers.
    /// </summary>
    public async Task<KubeObject> UpdateAsync(ResourceType type, KubeObject incoming, KubeObject existing, bool statusOnly, bool dryRun, FieldManager? manager, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(existing);
        var name = existing.Metadata.Name!;
        var existingRevision = ResourceVersions.Of(existing);
        var requestedRevision = ResourceVersions.Of(incoming);
        if (requestedRevision != 0 && requestedRevision != existingRevision)
            throw new ApiException(ApiErrors.Conflict(type, name));

        var strategy = _strategies.For(type);
        var old = existing.Metadata;
        KubeObject updated;
        if (statusOnly)
        {
            updated = existing.WithStatusFrom(incoming);
        }
        else
        {
            var meta = incoming.Metadata with
            {
                Uid = old.Uid,
                CreationTimestamp = old.CreationTimestamp,
                Generation = old.Generation,
                DeletionTimestamp = old.DeletionTimestamp,
                DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds,
                GenerateName = old.GenerateName,
                ResourceVersion = old.ResourceVersion,
                // An update that says nothing of managedFields keeps them (Kubernetes' rule); server-side apply sets them.
                ManagedFields = incoming.Metadata.ManagedFields ?? old.ManagedFields,
            };
            updated = strategy.PrepareForUpdate((incoming with { Metadata = meta }).WithStatusFrom(existing), existing);
            updated = Admission.Admit(type, updated, existing);
            if (SpecChanged(type, updated, existing))
                updated = updated with { Metadata = updated.Metadata with { Generation = (old.Generation ?? 0) + 1 } };
            if (manager is not null)
                updated = ManagedFieldsUpdate.Track(type, existing, updated, manager, _time.GetUtcNow());
        }

        // A dry run writes nothing, so it allocates nothing either (the strategy's update is skipped).
        var written = statusOnly || dryRun
            ? await WriteIfChangedAsync(type, updated, existing, existingRevision, dryRun, ct).ConfigureAwait(false)
            : await strategy.UpdateAsync(updated, existing, o => WriteIfChangedAsync(type, o, existing, existingRevision, dryRun: false, ct), ct).ConfigureAwait(false);
        if (dryRun)
            return written;
        // The last finalizer removed from an object being deleted completes the deletion.
        if (written.Metadata.DeletionTimestamp is not null && (written.Metadata.Finalizers?.Count ?? 0) == 0 && !strategy.AwaitsGracefulDeletion(written))
        {
            var removed = await _objects.DeleteAsync(type, written.Metadata.Namespace, written.Metadata.Name!, ResourceVersions.Of(written), ct).ConfigureAwait(false);
            await strategy.RemovedAsync(removed, ct).ConfigureAwait(false);
            return removed;
        }
        return written;
    }

    /// <summary>Writes <paramref name="updated"/> unless it encodes to what is stored (then <paramref name="existing"/> is the answer).</summary>
    private async Task<KubeObject> WriteIfChangedAsync(ResourceType type, KubeObject updated, KubeObject existing, long existingRevision, bool dryRun, CancellationToken ct)
    {
        // The bytes compared are the bytes written: an update is encoded once.
        var encoded = ObjectStore.Encode(type, updated);
        if (encoded.AsSpan().SequenceEqual(ObjectStore.Encode(type, existing)))
            return existing;
        if (dryRun)
            return updated;
        return await _objects.UpdateAsync(type, updated, encoded, existingRevision, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Update with the resourceVersion that <paramref name="incoming"/> carries as precondition (the usual
    /// controller write: read from the cache, change, write; a 409 means the cache was stale — requeue).
    /// </summary>
    public async Task<KubeObject> UpdateAsync(ResourceType type, KubeObject incoming, bool statusOnly, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var existing = await _objects.GetRequiredAsync(type, incoming.Metadata.Namespace, incoming.Metadata.Name!, ct).ConfigureAwait(false);
        return await UpdateAsync(type, incoming, existing, statusOnly, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes as Kubernetes does (graceful pods and finalizers only marked); returns the removed or marked object.</summary>
    public Task<KubeObject> DeleteAsync(ResourceType type, string? ns, string name, long? gracePeriodSeconds, CancellationToken ct) =>
        DeleteAsync(type, ns, name, new DeleteOptions(gracePeriodSeconds), ct);

    /// <summary>As above, with the propagation policy: Orphan marks the object with the orphan finalizer, which the garbage collector honours.</summary>
    public async Task<KubeObject> DeleteAsync(ResourceType type, string? ns, string name, DeleteOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DryRun)
            return await _objects.GetRequiredAsync(type, ns, name, ct).ConfigureAwait(false);
        var (result, _) = await _deleter.DeleteAsync(type, ns, name, options, ct).ConfigureAwait(false);
        return result;
    }

    private async Task EnsureNamespaceAcceptsAsync(ResourceType type, string? ns, CancellationToken ct)
    {
        if (!type.Namespaced)
            return;
        if (string.IsNullOrEmpty(ns))
            throw new ApiException(ApiErrors.BadRequest($"{type.Plural} are namespaced: use /namespaces/NAME/{type.Plural}"));
        // An active namespace seen by this replica's watch or by the nearest store replica is enough, as Kubernetes'
        // NamespaceLifecycle admission trusts its informer cache: on etcd a linearizable read would wait behind every
        // write in flight. A namespace missing or terminating there is confirmed through the leader, so one created a
        // moment ago is not refused.
        if (_namespaces?.IsActive(ns) == true)
            return;
        var owner = await _objects.GetNearestAsync(ResourceTypes.Namespaces, null, ns, ct).ConfigureAwait(false);
        if (owner is null || owner.Metadata.DeletionTimestamp is not null)
            owner = await _objects.GetAsync(ResourceTypes.Namespaces, null, ns, ct).ConfigureAwait(false);
        if (owner is null)
            throw new ApiException(ApiErrors.NotFound(ResourceTypes.Namespaces, ns));
        if (owner.Metadata.DeletionTimestamp is not null)
            throw new ApiException(ApiErrors.Forbidden($"unable to create new content in namespace {ns} because it is being terminated"));
    }

    /// <summary>generateName's suffix: five characters from Kubernetes' unambiguous alphabet.</summary>
    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new string(chars);
    }

    private static bool SpecChanged(ResourceType type, KubeObject updated, KubeObject existing)
    {
        var empty = new ObjectMeta();
        var a = type.SerializeToUtf8Bytes(updated.WithStatusFrom(null) with { Metadata = empty });
        var b = type.SerializeToUtf8Bytes(existing.WithStatusFrom(null) with { Metadata = empty });
        return !a.AsSpan().SequenceEqual(b);
    }
}
