using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;

namespace Drover.Cli.Rollout;

/// <summary>
/// Follows one Deployment through a watch (kubectl's UntilWithSync), printing each new progress line once, until
/// <see cref="RolloutStatus"/> says done or failed, the object goes away, or the time limit passes.
/// </summary>
internal sealed class RolloutWatcher(CliContext context, DroverClient client, ResourceType type, string ns, string name, long revision)
{
    private string? _lastLine;

    /// <summary>0 when the rollout completed (or, without <paramref name="watch"/>, once the state is printed).</summary>
    public async Task<int> RunAsync(bool watch, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = timeout > TimeSpan.Zero ? new CancellationTokenSource(timeout, context.Time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            return await FollowAsync(watch, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new CliException($"error: timed out waiting for the condition: {type.Singular} \"{name}\" did not finish rolling out within {GoDurations.Format(timeout)}");
        }
    }

    private async Task<int> FollowAsync(bool watch, CancellationToken ct)
    {
        var (done, resourceVersion) = await ReadAsync(ct).ConfigureAwait(false);
        if (done || !watch)
            return 0;
        while (true)
        {
            var expired = false;
            try
            {
                await foreach (var change in client.WatchAsync(type, ns, resourceVersion, fieldSelector: "metadata.name=" + name, ct: ct).ConfigureAwait(false))
                {
                    if (change.Type == WatchEventTypes.Error)
                    {
                        if (change.Error?.Code != 410)
                            throw new ApiClientException(change.Error ?? new Status { Code = 500, Message = "the watch failed" });
                        expired = true;
                        break;
                    }
                    resourceVersion = change.ResourceVersion ?? resourceVersion;
                    // A new object of the same name would not be the rollout we were asked about.
                    if (change.Type == WatchEventTypes.Deleted)
                        throw new CliException($"error: {type.Singular} \"{name}\" has been deleted");
                    if (change.Object is { } obj && await ReportAsync(obj, ct).ConfigureAwait(false))
                        return 0;
                }
            }
            catch (ApiClientException e) when (e.Code == 410)
            {
                expired = true;
            }
            if (expired)
            {
                // The revision we were at has been compacted away: read the present and go on from there.
                (done, resourceVersion) = await ReadAsync(ct).ConfigureAwait(false);
                if (done)
                    return 0;
            }
            // Otherwise the server ended the stream (it may, any time): watch again from where we were.
        }
    }

    private async Task<(bool Done, string? ResourceVersion)> ReadAsync(CancellationToken ct)
    {
        var obj = await client.GetAsync(type, ns, name, ct).ConfigureAwait(false);
        return (await ReportAsync(obj, ct).ConfigureAwait(false), obj.Metadata.ResourceVersion);
    }

    /// <summary>Prints the state's line when it differs from the last one; true once the rollout is complete.</summary>
    private async Task<bool> ReportAsync(KubeObject obj, CancellationToken ct)
    {
        var state = obj is DaemonSet daemonSet ? RolloutStatus.Of(daemonSet) : RolloutStatus.Of((Deployment)obj, revision);
        if (state.Message != _lastLine)
        {
            _lastLine = state.Message;
            await context.Out.WriteLineAsync(state.Message).ConfigureAwait(false);
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
        }
        return state.Done;
    }
}
