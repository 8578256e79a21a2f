namespace Drover.Api;

/// <summary>
/// A pod's quality-of-service class as Kubernetes derives it from its containers' resources (after
/// defaulting has copied limits into missing requests): Guaranteed when every container limits cpu and
/// memory and requests exactly that, BestEffort when no container requests or limits anything, else Burstable.
/// </summary>
public static class PodQos
{
    public static string Of(PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var any = false;
        var guaranteed = true;
        foreach (var c in spec.Containers)
        {
            var requests = c.Resources?.Requests;
            var limits = c.Resources?.Limits;
            if ((requests?.Count ?? 0) > 0 || (limits?.Count ?? 0) > 0)
                any = true;
            foreach (var resource in (ReadOnlySpan<string>)["cpu", "memory"])
            {
                if (limits is null || !limits.TryGetValue(resource, out var limit))
                    guaranteed = false;
                else if (requests is not null && requests.TryGetValue(resource, out var request) && request != limit)
                    guaranteed = false;
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
