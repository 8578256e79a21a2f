using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Logs;

/// <summary>
/// The pod `drover logs POD|TYPE/NAME` reads, as kubectl's LogsForObject picks it: a pod is itself; a Deployment,
/// ReplicaSet, DaemonSet, Job or Service gives its selector, and the first of the pods it selects in
/// <see cref="LoggingOrder"/> is used, with kubectl's "Found N pods, using pod/X" on stderr when there are several.
/// With none yet, the pods are looked for again until one appears or the timeout (--pod-running-timeout) passes.
/// </summary>
internal static class LogsTarget
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<string> PodNameAsync(DroverClient client, string ns, string argument, TimeSpan timeout, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(argument);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(time);
        var slash = argument.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
            return argument;
        var type = ResourceKinds.Resolve(argument[..slash]);
        var name = argument[(slash + 1)..];
        if (name.Length == 0)
            throw new CliException("error: arguments in resource/name form must have a single resource and name");
        if (type == ResourceTypes.Pods)
            return name;
        var selector = await SelectorAsync(client, type, ns, name, ct).ConfigureAwait(false);
        var pods = await SelectedPodsAsync(client, ns, selector, timeout, time, ct).ConfigureAwait(false);
        var chosen = pods.Order(LoggingOrder.Instance).First();
        if (pods.Count > 1)
            await error.WriteLineAsync($"Found {pods.Count} pods, using pod/{chosen.Metadata.Name}").ConfigureAwait(false);
        return chosen.Metadata.Name!;
    }

    /// <summary>kubectl's SelectorsForObject for the kinds Drover serves; any other kind is refused in kubectl's words.</summary>
    private static async Task<string> SelectorAsync(DroverClient client, ResourceType type, string ns, string name, CancellationToken ct)
    {
        LabelSelector? labelSelector;
        if (type == ResourceTypes.Deployments)
            labelSelector = (await client.GetAsync(ResourceTypes.Deployments, ns, name, ct).ConfigureAwait(false)).Spec.Selector;
        else if (type == ResourceTypes.ReplicaSets)
            labelSelector = (await client.GetAsync(ResourceTypes.ReplicaSets, ns, name, ct).ConfigureAwait(false)).Spec.Selector;
        else if (type == ResourceTypes.DaemonSets)
            labelSelector = (await client.GetAsync(ResourceTypes.DaemonSets, ns, name, ct).ConfigureAwait(false)).Spec.Selector;
        else if (type == ResourceTypes.Jobs)
            labelSelector = (await client.GetAsync(ResourceTypes.Jobs, ns, name, ct).ConfigureAwait(false)).Spec.Selector;
        else if (type == ResourceTypes.Services)
        {
            var service = await client.GetAsync(ResourceTypes.Services, ns, name, ct).ConfigureAwait(false);
            if (service.Spec.Selector is not { Count: > 0 } labels)
                throw new CliException($"error: cannot get the logs from *v1.Service: invalid service '{name}': Service is defined without a selector");
            return Selector.FromMatchLabels(labels).ToString();
        }
        else
        {
            // Go's %T of the typed object kubectl decoded: the package is the version.
            var goType = $"*{type.Version}.{type.Kind}";
            throw new CliException($"error: cannot get the logs from {goType}: selector for {goType} not implemented");
        }
        return Selector.FromLabelSelector(labelSelector).ToString();
    }

    private static async Task<IReadOnlyList<Pod>> SelectedPodsAsync(DroverClient client, string ns, string selector, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var pods = (await client.ListAsync(ResourceTypes.Pods, ns, selector, ct: ct).ConfigureAwait(false)).Items;
            if (pods.Count > 0)
                return pods;
            if (time.GetUtcNow() >= deadline)
                throw new CliException("error: timed out waiting for the condition");
            await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
        }
    }
}
