using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;

namespace Drover.Cli.Drain;

/// <summary>
/// Empties one cordoned node as kubectl's drain does: plan which pods may go, delete them with their grace
/// period, then wait until the node's agent has stopped them and they are gone. Droverd has no eviction
/// subresource (no PodDisruptionBudgets), so eviction is a graceful delete.
/// </summary>
internal sealed class NodeDrainer(CliContext context, DroverClient client, DrainSettings settings)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>Drains <paramref name="node"/>; null when drained, else the error text for kubectl's "unable to drain" lines.</summary>
    public async Task<string?> DrainAsync(string node, CancellationToken ct)
    {
        var pods = await PodsOnAsync(node, ct).ConfigureAwait(false);
        var plan = DrainPlanner.Plan(pods, settings.Force, settings.IgnoreDaemonSets);
        if (plan.Errors.Count > 0)
            return plan.ErrorText;
        if (plan.Warnings.Count > 0)
            await context.Error.WriteLineAsync("Warning: " + plan.WarningText).ConfigureAwait(false);

        using var deadline = settings.Timeout > TimeSpan.Zero ? new CancellationTokenSource(settings.Timeout, context.Time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var pending = new Dictionary<string, Pod>(StringComparer.Ordinal);
        try
        {
            foreach (var pod in plan.ToEvict)
            {
                await context.Out.WriteLineAsync($"evicting pod {pod.Metadata.Namespace}/{pod.Metadata.Name}").ConfigureAwait(false);
                await context.Out.FlushAsync(linked.Token).ConfigureAwait(false);
                try
                {
                    await client.DeleteAsync(ResourceTypes.Pods, pod.Metadata.Namespace, pod.Metadata.Name!, gracePeriodSeconds: settings.GracePeriod, ct: linked.Token).ConfigureAwait(false);
                }
                catch (ApiClientException e) when (e.Code == 404)
                {
                    // Already gone: the wait below reports it.
                }
                pending[pod.Metadata.Uid!] = pod;
            }
            await WaitGoneAsync(node, pending, linked.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var errors = pending.Values
                .Select(p => $"error when waiting for pod \"{p.Metadata.Name}\" in namespace \"{p.Metadata.Namespace}\" to terminate: global timeout reached: {GoDurations.Format(settings.Timeout)}")
                .ToList();
            var text = errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]";
            await context.Error.WriteLineAsync($"There are pending pods in node \"{node}\" when an error occurred: {text}").ConfigureAwait(false);
            foreach (var pod in pending.Values)
                await context.Error.WriteLineAsync("pod/" + pod.Metadata.Name).ConfigureAwait(false);
            return text;
        }
    }

    private async Task<IReadOnlyList<Pod>> PodsOnAsync(string node, CancellationToken ct)
    {
        var page = await client.ListAsync(ResourceTypes.Pods, null, settings.PodSelector, "spec.nodeName=" + node, ct: ct).ConfigureAwait(false);
        return [.. page.Items.Cast<Pod>()];
    }

    /// <summary>
    /// Lists the node's pods until none of <paramref name="pending"/> is left (by uid: a new pod of the same name
    /// is not the one we evicted), printing each as it goes and, now and then, what is still awaited.
    /// </summary>
    private async Task WaitGoneAsync(string node, Dictionary<string, Pod> pending, CancellationToken ct)
    {
        var lastProgress = context.Time.GetUtcNow();
        while (true)
        {
            var present = (await PodsOnAsync(node, ct).ConfigureAwait(false)).Select(p => p.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
            foreach (var (uid, pod) in pending.Where(p => !present.Contains(p.Key)).ToList())
            {
                pending.Remove(uid);
                await context.Out.WriteLineAsync($"pod/{pod.Metadata.Name} evicted").ConfigureAwait(false);
            }
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
            if (pending.Count == 0)
                return;
            var now = context.Time.GetUtcNow();
            if (now - lastProgress >= ProgressInterval)
            {
                lastProgress = now;
                var names = string.Join(", ", pending.Values.Select(p => $"{p.Metadata.Namespace}/{p.Metadata.Name}"));
                await context.Error.WriteLineAsync($"waiting for {pending.Count} pod(s) to terminate: {names}").ConfigureAwait(false);
            }
            await Task.Delay(PollInterval, context.Time, ct).ConfigureAwait(false);
        }
    }
}
