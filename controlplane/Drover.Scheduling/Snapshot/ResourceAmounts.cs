using Drover.Api;

namespace Drover.Scheduling;

/// <summary>
/// A pod's cpu (millicores) and memory (bytes) requests, both as written and with Kubernetes'
/// non-zero defaults, which only scoring uses.
/// </summary>
internal readonly record struct ResourceAmounts(long MilliCpu, long MemoryBytes, long NonZeroMilliCpu, long NonZeroMemoryBytes)
{
    public static ResourceAmounts Of(Container? container)
    {
        var requests = container?.Resources?.Requests;
        // Limits are not read here: Drover.Api's pod defaulting already copies a limit without a request
        // into the request, exactly as Kubernetes does, before the pod is stored.
        long? cpu = requests is not null && requests.TryGetValue("cpu", out var c) ? c.MilliValue : null;
        long? memory = requests is not null && requests.TryGetValue("memory", out var m) ? m.Value : null;
        // Kubernetes GetNonzeroRequestForResource: a missing request (not an explicit zero) counts as a
        // small default when scoring, or best-effort pods would all pile onto the emptiest-looking node.
        return new ResourceAmounts(
            cpu ?? 0,
            memory ?? 0,
            cpu ?? PodInfo.DefaultMilliCpuRequest,
            memory ?? PodInfo.DefaultMemoryRequest);
    }

    public static ResourceAmounts operator +(ResourceAmounts a, ResourceAmounts b) => new(
        a.MilliCpu + b.MilliCpu,
        a.MemoryBytes + b.MemoryBytes,
        a.NonZeroMilliCpu + b.NonZeroMilliCpu,
        a.NonZeroMemoryBytes + b.NonZeroMemoryBytes);

    public static ResourceAmounts Max(ResourceAmounts a, ResourceAmounts b) => new(
        Math.Max(a.MilliCpu, b.MilliCpu),
        Math.Max(a.MemoryBytes, b.MemoryBytes),
        Math.Max(a.NonZeroMilliCpu, b.NonZeroMilliCpu),
        Math.Max(a.NonZeroMemoryBytes, b.NonZeroMemoryBytes));

    /// <summary>
    /// Kubernetes PodRequests: init containers run one at a time before the app containers, so a pod
    /// needs the larger of the app containers' sum and its largest init container, per resource.
    /// </summary>
    public static ResourceAmounts OfPod(PodSpec spec)
    {
        var sum = default(ResourceAmounts);
        foreach (var container in spec.Containers ?? [])
            sum += Of(container);
        if (spec.InitContainers is { Count: > 0 } initContainers)
        {
            foreach (var container in initContainers)
                sum = Max(sum, Of(container));
        }
        return sum;
    }
}
