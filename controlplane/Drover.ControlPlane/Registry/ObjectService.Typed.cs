using Drover.Api;

namespace Drover.ControlPlane.Registry;

/// <summary>
/// The registry's calls typed by <see cref="ResourceType{T}"/>, as the client toolkit's <c>DroverClient</c> has them:
/// callers in droverd (controllers, bootstrap, leader election) get a <typeparamref name="T"/> back instead of casting.
/// </summary>
public sealed partial class ObjectService
{
    public async Task<T?> GetAsync<T>(ResourceType<T> type, string? ns, string name, CancellationToken ct)
        where T : KubeObject =>
        (T?)await GetAsync((ResourceType)type, ns, name, ct).ConfigureAwait(false);

    /// <summary>The object, or 404 naming it.</summary>
    public async Task<T> GetRequiredAsync<T>(ResourceType<T> type, string? ns, string name, CancellationToken ct)
        where T : KubeObject =>
        (T)await GetRequiredAsync((ResourceType)type, ns, name, ct).ConfigureAwait(false);

    public async Task<T> CreateAsync<T>(ResourceType<T> type, T obj, CancellationToken ct)
        where T : KubeObject =>
        (T)await CreateAsync((ResourceType)type, obj, ct).ConfigureAwait(false);

    public async Task<T> UpdateAsync<T>(ResourceType<T> type, T incoming, T existing, bool statusOnly, CancellationToken ct)
        where T : KubeObject =>
        (T)await UpdateAsync((ResourceType)type, incoming, existing, statusOnly, ct).ConfigureAwait(false);

    /// <summary>Update with the resourceVersion <paramref name="incoming"/> carries as precondition.</summary>
    public async Task<T> UpdateAsync<T>(ResourceType<T> type, T incoming, bool statusOnly, CancellationToken ct)
        where T : KubeObject =>
        (T)await UpdateAsync((ResourceType)type, incoming, statusOnly, ct).ConfigureAwait(false);
}
