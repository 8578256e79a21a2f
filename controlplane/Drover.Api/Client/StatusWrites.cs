namespace Drover.Api.Client;

/// <summary>
/// How a status owner (the agent for its pods, a hollow node) writes a status through the API: first on the copy it
/// holds; when someone else wrote meanwhile (409), on a fresh read of the same object (same uid), up to
/// <c>maxAttempts</c> writes in all. The object gone (404) or replaced by another of its name is no error: there is
/// nothing left to report on. A conflict on every attempt is thrown (<see cref="ConflictRetry.IsConflict"/>).
/// </summary>
public static class StatusWrites
{
    /// <returns>The object as written, or null when it is gone.</returns>
    public static async Task<T?> WriteOnTopAsync<T>(this DroverClient api, ResourceType<T> type, T held, Func<T, T> withStatus,
        int maxAttempts = ConflictRetry.DefaultAttempts, Action? onConflict = null, CancellationToken ct = default)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(withStatus);
        var current = held;
        var reread = false;
        try
        {
            return await ConflictRetry.RetryOnConflictAsync<T?>(async token =>
            {
                if (reread)
                {
                    onConflict?.Invoke();
                    if (await api.TryGetAsync(type, held.Metadata.Namespace, held.Metadata.Name!, token).ConfigureAwait(false) is not { } fresh
                        || fresh.Metadata.Uid != held.Metadata.Uid)
                    {
                        return null;
                    }
                    current = fresh;
                }
                reread = true;
                return await api.UpdateAsync(type, withStatus(current), "status", token).ConfigureAwait(false);
            }, maxAttempts, ct).ConfigureAwait(false);
        }
        catch (ApiClientException e) when (e.Code == 404)
        {
            return null;
        }
    }
}
