using System.Text;
using Drover.Store;

namespace Drover.ControlPlane.Storage;

/// <summary>
/// The leader's fencing token and the execution flows that carry it. The leader, once elected, rewrites the fence key
/// (<see cref="AdvanceAsync"/>) and runs the scheduler, controllers and allocators inside <see cref="Run"/>: every
/// write they make — through the registry, down to <see cref="ObjectStore"/> — is then applied by the store only while
/// the fence key is still at the revision the leader wrote, in the same transaction as the write. When another replica
/// takes over it rewrites the key, and whatever the deposed leader still sends is refused, however late it arrives.
/// The flow is carried by an <see cref="AsyncLocal{T}"/>, so an API request (which starts outside) is never fenced and
/// a controller never has to pass the token on.
/// </summary>
public sealed class WriteFencing
{
    /// <summary>Outside /registry/, so no watcher of objects ever sees it.</summary>
    public const string FenceKey = "/drover/leader/fence";

    private readonly IStore _store;
    private readonly AsyncLocal<StoreFence?> _current = new();

    public WriteFencing(IStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The fence this execution flow's writes carry, or null.</summary>
    public StoreFence? Current => _current.Value;

    /// <summary>Takes the fence for <paramref name="holder"/>: every fence handed out before is void from here on.</summary>
    public async Task<StoreFence> AdvanceAsync(string holder, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var value = Encoding.UTF8.GetBytes(holder);
        while (true)
        {
            var current = await _store.GetAsync(FenceKey, ct).ConfigureAwait(false);
            try
            {
                var written = current is null
                    ? await _store.CreateAsync(FenceKey, value, cancellationToken: ct).ConfigureAwait(false)
                    : await _store.UpdateAsync(FenceKey, value, current.ModRevision, cancellationToken: ct).ConfigureAwait(false);
                return new StoreFence(FenceKey, written.ModRevision);
            }
            catch (StoreException e) when (e is StoreKeyExistsException or StoreConflictException or StoreKeyNotFoundException)
            {
                // Raced with another writer of the fence: read again; whoever writes last holds the fence.
            }
        }
    }

    /// <summary>Starts <paramref name="work"/> in a flow whose writes (and those of everything it starts) carry <paramref name="fence"/>.</summary>
    public T Run<T>(StoreFence fence, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(fence);
        ArgumentNullException.ThrowIfNull(work);
        var previous = _current.Value;
        _current.Value = fence;
        try
        {
            // The flow captured by anything started in here (tasks, timers, continuations) keeps the fence.
            return work();
        }
        finally
        {
            _current.Value = previous;
        }
    }
}
