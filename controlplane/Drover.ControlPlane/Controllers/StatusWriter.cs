using Drover.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers;

/// <summary>
/// Writes a status a controller computed from its informer caches, the one way. Nothing is written when the status is
/// already there, and an object deleted meanwhile is no error. The cache is often a step behind the controller's own
/// last write, which makes the write a 409: as Kubernetes' controllers do, the status is written once more on a fresh
/// read, if it still holds for the object stored now (the same object, and whatever <c>withStatus</c> checks).
/// Any other failure, or a second 409, is thrown: the work queue retries the sync with backoff. A status computed from
/// the old status rather than from the world (a Job's, a CronJob's) goes through <see cref="WriteOnCachedAsync"/> instead.
/// Returns the object as written, or null when nothing was written.
/// </summary>
internal static class StatusWriter
{
    /// <param name="withStatus">The object with the new status, or null when there is nothing to write to it (the status is
    /// already there, or does not hold for that object, e.g. another generation).</param>
    public static async Task<T?> WriteAsync<T>(ObjectService objects, ResourceType<T> type, T cached, Func<T, T?> withStatus, CancellationToken ct)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(cached);
        ArgumentNullException.ThrowIfNull(withStatus);
        if (withStatus(cached) is not { } first)
            return null;
        try
        {
            try
            {
                return await objects.UpdateAsync(type, first, statusOnly: true, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Status.Code == 409)
            {
                var stored = await objects.GetAsync(type, cached.Metadata.Namespace, cached.Metadata.Name!, ct).ConfigureAwait(false);
                if (stored is not null && stored.Metadata.Uid == cached.Metadata.Uid && withStatus(stored) is { } again)
                    return await objects.UpdateAsync(type, again, statusOnly: true, ct).ConfigureAwait(false);
                return null;
            }
        }
        catch (ApiException e) when (e.Status.Code == 404)
        {
            // Deleted meanwhile: nothing to report on.
            return null;
        }
    }

    /// <summary>
    /// For a status that holds only for the very object it was computed from — counts that accumulate (a Job's), times
    /// and lists carried over from the old status (a CronJob's lastScheduleTime, lastSuccessfulTime, active): written on
    /// <paramref name="cached"/> only. After a 409 nothing is written over the newer object (it may hold a status this
    /// one would take back); the newer object's event queues a sync that computes the status again from it. An object
    /// deleted meanwhile is no error. Returns the object as written, or null when nothing was written.
    /// </summary>
    /// <param name="withStatus">The object with the new status, or null when there is nothing to write.</param>
    public static async Task<T?> WriteOnCachedAsync<T>(ObjectService objects, ResourceType<T> type, T cached, Func<T, T?> withStatus, CancellationToken ct)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(cached);
        ArgumentNullException.ThrowIfNull(withStatus);
        if (withStatus(cached) is not { } updated)
            return null;
        try
        {
            return await objects.UpdateAsync(type, updated, statusOnly: true, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Status.Code is 404 or 409)
        {
            return null;
        }
    }
}
