using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Pods;

/// <summary>The pod a POD|TYPE/NAME argument names, and the Service when TYPE was one (port-forward maps its ports).</summary>
internal sealed record TargetPod(Pod Pod, Service? Service);

/// <summary>
/// The pod a command's POD|TYPE/NAME argument stands for, as kubectl's polymorphichelpers pick it: a pod is itself; a
/// Deployment, ReplicaSet, DaemonSet, Job or Service gives its selector, and the first of the pods it selects is used.
/// `logs` orders them as LogsForObject does (<see cref="LoggingOrder"/>, saying "Found N pods, using pod/X" on stderr
/// when there are several); `exec` and `port-forward` as attachablePodForObject does (<see cref="AttachOrder"/>, silently).
/// With no pod selected yet, the pods are looked for again until one appears or the timeout (--pod-running-timeout) passes.
/// </summary>
internal static class PodTarget
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>kubectl logs' choice.</summary>
    public static Task<TargetPod> ForLogsAsync(DroverClient client, string ns, string argument, TimeSpan timeout, TextWriter error, TimeProvider time, CancellationToken ct) =>
        ResolveAsync(client, ns, argument, new Purpose("cannot get the logs from", LoggingOrder.Instance, error), timeout, time, ct);

    /// <summary>kubectl exec's and port-forward's choice.</summary>
    public static Task<TargetPod> AttachableAsync(DroverClient client, string ns, string argument, TimeSpan timeout, TimeProvider time, CancellationToken ct) =>
        ResolveAsync(client, ns, argument, new Purpose("cannot attach to", AttachOrder.Instance, CountTo: null), timeout, time, ct);

    /// <param name="Refusal">kubectl's words before the object's type when it has no selector.</param>
    /// <param name="CountTo">Where "Found N pods" goes; null: not said.</param>
    private sealed record Purpose(string Refusal, IComparer<Pod> Order, TextWriter? CountTo);

    private static async Task<TargetPod> ResolveAsync(DroverClient client, string ns, string argument, Purpose purpose, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(argument);
        ArgumentNullException.ThrowIfNull(time);
        var slash = argument.IndexOf('/', StringComparison.Ordinal);
        var type = slash < 0 ? ResourceTypes.Pods : ResourceKinds.Resolve(argument[..slash]);
        var name = argument[(slash + 1)..];
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
            throw new CliException("error: arguments in resource/name form must have a single resource and name");
        if (type == ResourceTypes.Pods)
            return new TargetPod(await client.GetAsync(ResourceTypes.Pods, ns, name, ct).ConfigureAwait(false), null);
        Service? service = null;
        if (type == ResourceTypes.Services)
            service = await client.GetAsync(ResourceTypes.Services, ns, name, ct).ConfigureAwait(false);
        var selector = service is null
            ? await SelectorAsync(client, type, ns, name, purpose, ct).ConfigureAwait(false)
            : ServiceSelector(service, purpose);
        var pods = await SelectedPodsAsync(client, ns, selector, timeout, time, ct).ConfigureAwait(false);
        var chosen = pods.Order(purpose.Order).First();
        if (pods.Count > 1 && purpose.CountTo is { } error)
            await error.WriteLineAsync($"Found {pods.Count} pods, using pod/{chosen.Metadata.Name}").ConfigureAwait(false);
        return new TargetPod(chosen, service);
    }

    /// <summary>kubectl's SelectorsForObject for the kinds Drover serves; any other kind is refused in kubectl's words.</summary>
    private static async Task<string> SelectorAsync(DroverClient client, ResourceType type, string ns, string name, Purpose purpose, CancellationToken ct)
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
        else
        {
            // kubectl reads the object before it asks for its selector: a missing one is NotFound.
            await client.GetAsync(type, type.Namespaced ? ns : null, name, ct).ConfigureAwait(false);
            // Go's %T of the typed object kubectl decoded: the package is the version.
            var goType = $"*{type.Version}.{type.Kind}";
            throw new CliException($"error: {purpose.Refusal} {goType}: selector for {goType} not implemented");
        }
        return Selector.FromLabelSelector(labelSelector).ToString();
    }

    private static string ServiceSelector(Service service, Purpose purpose) =>
        service.Spec.Selector is { Count: > 0 } labels
            ? Selector.FromMatchLabels(labels).ToString()
            : throw new CliException($"error: {purpose.Refusal} *v1.Service: invalid service '{service.Metadata.Name}': Service is defined without a selector");

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
