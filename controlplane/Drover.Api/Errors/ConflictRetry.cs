using Drover.Api.Client;

namespace Drover.Api;

/// <summary>
/// client-go's RetryOnConflict, the one read-modify-write loop of the project: runs <c>attempt</c> (read the latest
/// object, change it, write it back with its resourceVersion) again when the write loses a race (409 Conflict, from
/// droverd's registry in process or through the client), at most <c>maxAttempts</c> times; the last conflict is
/// thrown. An attempt that has nothing to write simply returns.
/// </summary>
public static class ConflictRetry
{
    public const int DefaultAttempts = 5;

    /// <summary>A lost optimistic-concurrency race: the object changed between the read and the write.</summary>
    public static bool IsConflict(Exception e) => e is ApiClientException { Code: 409 } or ApiException { Status.Code: 409 };

    public static Task<T> RetryOnConflictAsync<T>(Func<CancellationToken, Task<T>> attempt, int maxAttempts = DefaultAttempts, CancellationToken ct = default) =>
        RetryOnConflictAsync(attempt, static _ => true, maxAttempts, ct);

    /// <summary>
    /// As above, but a conflict is retried only while <paramref name="retriable"/> says so (client-go's retry.OnError):
    /// a conflict that is the answer rather than a lost race (a PATCH with its own resourceVersion, two appliers'
    /// fields) is thrown at once.
    /// </summary>
    public static Task<T> RetryOnConflictAsync<T>(Func<CancellationToken, Task<T>> attempt, Func<Exception, bool> retriable, int maxAttempts = DefaultAttempts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(retriable);
        return RetryOnErrorAsync(attempt, e => IsConflict(e) && retriable(e), maxAttempts, ct);
    }

    /// <summary>
    /// client-go's retry.OnError: runs <paramref name="attempt"/> again while it fails with an error
    /// <paramref name="retriable"/> accepts (e.g. a 404 as well as a 409 when a concurrent delete is one more way to
    /// lose the race), at most <paramref name="maxAttempts"/> times; the last error is thrown.
    /// </summary>
    public static async Task<T> RetryOnErrorAsync<T>(Func<CancellationToken, Task<T>> attempt, Func<Exception, bool> retriable, int maxAttempts = DefaultAttempts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(retriable);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (tries < maxAttempts && retriable(e))
            {
                // Someone else wrote meanwhile: read again and redo the change on the newer object.
            }
        }
    }

    public static Task RetryOnConflictAsync(Func<CancellationToken, Task> attempt, int maxAttempts = DefaultAttempts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return RetryOnConflictAsync(async token =>
        {
            await attempt(token).ConfigureAwait(false);
            return true;
        }, maxAttempts, ct);
    }
}
