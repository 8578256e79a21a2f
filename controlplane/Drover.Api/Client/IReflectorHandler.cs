namespace Drover.Api.Client;

/// <summary>What a <see cref="Reflector{T}"/> tells its owner (client-go's store and its ResourceEventHandler in one).</summary>
public interface IReflectorHandler<T>
    where T : KubeObject
{
    /// <summary>A list succeeded: the whole state at its revision (replaces what was known; deleted objects are absent).</summary>
    Task ListedAsync(ListPage<T> page, CancellationToken ct);

    /// <summary>ADDED, MODIFIED or DELETED (<see cref="WatchEventTypes"/>) of one object.</summary>
    void Changed(string type, T obj);

    /// <summary>The watch ended with an ERROR event (410 Gone: the revision was compacted): a list follows at once.</summary>
    void WatchError(Status? error);

    /// <summary>A list or watch failed; the next list follows in <paramref name="retryIn"/>.</summary>
    void Failed(Exception error, TimeSpan retryIn);
}
