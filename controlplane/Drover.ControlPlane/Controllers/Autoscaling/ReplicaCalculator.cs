using Drover.Api;
using Drover.ControlPlane.ResourceMetrics;

namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// Kubernetes' replica calculator for Resource metrics (pkg/controller/podautoscaler/replica_calculator.go):
/// desired = ceil(ready pods × current / target), nothing within the tolerance, and the documented treatment of pods
/// without a sample (100 % of request on a scale-down, 0 on a scale-up) and of not-ready pods (0 on a scale-up,
/// left out otherwise), never letting that treatment reverse the direction. Pure: time and samples are inputs.
/// </summary>
public sealed class ReplicaCalculator(ReplicaCalculatorOptions options)
{
    private readonly ReplicaCalculatorOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>A Utilization target: usage as a percentage of the pods' requests.</summary>
    public ReplicaProposal ForUtilization(int currentReplicas, int targetUtilization, string resource,
        IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, PodUsage> usage, DateTimeOffset now)
    {
        if (Group(pods, usage, resource, now, out var groups, out var samples) is { } failed)
            return failed;
        var requests = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (PodRequest(pod, resource, out var request) is { } missing)
                return ReplicaProposal.Failed(missing);
            requests[pod.Metadata.Name ?? ""] = request;
        }
        if (!TryUtilization(samples, requests, targetUtilization, out var ratio, out var utilization, out var average))
            return ReplicaProposal.Failed("no metrics returned matched known pods");

        var proposal = new ReplicaProposal { Replicas = currentReplicas, Utilization = utilization, AverageMilliValue = average };
        var scaleUpWithUnready = groups.Unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && groups.Missing.Count == 0)
        {
            return WithinTolerance(ratio) ? proposal
                : proposal with { Replicas = (int)Math.Ceiling(ratio * groups.ReadyCount) };
        }

        if (groups.Missing.Count > 0)
        {
            // A scale-down assumes the missing pods use all of their request (or the target, if above 100 %); a
            // scale-up assumes they use nothing: either way the guess can only soften the move.
            var fallbackPercent = Math.Max(100, targetUtilization);
            foreach (var name in groups.Missing)
            {
                if (ratio < 1.0)
                    samples[name] = requests[name] * fallbackPercent / 100;
                else if (ratio > 1.0)
                    samples[name] = 0;
            }
        }
        if (scaleUpWithUnready)
        {
            foreach (var name in groups.Unready)
                samples[name] = 0;
        }
        TryUtilization(samples, requests, targetUtilization, out var newRatio, out _, out _);
        return Settle(proposal, currentReplicas, ratio, newRatio, samples.Count);
    }

    /// <summary>An AverageValue target: the average usage per pod, in milli-units.</summary>
    public ReplicaProposal ForAverageValue(int currentReplicas, long targetMilliValue, string resource,
        IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, PodUsage> usage, DateTimeOffset now)
    {
        if (Group(pods, usage, resource, now, out var groups, out var samples) is { } failed)
            return failed;
        if (targetMilliValue <= 0)
            return ReplicaProposal.Failed("the target averageValue must be positive");

        var (ratio, average) = UsageRatio(samples, targetMilliValue);
        var proposal = new ReplicaProposal { Replicas = currentReplicas, AverageMilliValue = average };
        var scaleUpWithUnready = groups.Unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && groups.Missing.Count == 0)
        {
            return WithinTolerance(ratio) ? proposal
                : proposal with { Replicas = (int)Math.Ceiling(ratio * groups.ReadyCount) };
        }
        foreach (var name in groups.Missing)
            samples[name] = ratio < 1.0 ? targetMilliValue : 0;
        if (scaleUpWithUnready)
        {
            foreach (var name in groups.Unready)
                samples[name] = 0;
        }
        var (newRatio, _) = UsageRatio(samples, targetMilliValue);
        return Settle(proposal, currentReplicas, ratio, newRatio, samples.Count);
    }

    /// <summary>Groups the pods and keeps the samples that count, or says why there is nothing to go on.</summary>
    private ReplicaProposal? Group(IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, PodUsage> usage, string resource,
        DateTimeOffset now, out PodGroups groups, out Dictionary<string, long> samples)
    {
        groups = PodGroups.Of(pods, usage, resource, _options, now);
        samples = Usable(usage, groups);
        if (pods.Count == 0)
            return ReplicaProposal.Failed("no pods returned by selector while calculating replica count");
        return samples.Count == 0 ? ReplicaProposal.Failed("did not receive metrics for targeted pods (pods might be unready)") : null;
    }

    /// <summary>The samples that count: not-ready and ignored pods' samples are dropped before the first estimate.</summary>
    private static Dictionary<string, long> Usable(IReadOnlyDictionary<string, PodUsage> usage, PodGroups groups)
    {
        var samples = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, sample) in usage)
        {
            if (!groups.Unready.Contains(name) && !groups.Ignored.Contains(name))
                samples[name] = sample.MilliValue;
        }
        return samples;
    }

    private bool WithinTolerance(double ratio) => Math.Abs(1.0 - ratio) <= _options.Tolerance;

    /// <summary>
    /// After the missing/unready guesses: no change when within tolerance, or when the guesses flipped the direction
    /// (by ratio, or by the larger pod count).
    /// </summary>
    private ReplicaProposal Settle(ReplicaProposal proposal, int currentReplicas, double ratio, double newRatio, int podCount)
    {
        if (WithinTolerance(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
            return proposal;
        var replicas = (int)Math.Ceiling(newRatio * podCount);
        if ((newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas))
            return proposal;
        return proposal with { Replicas = replicas };
    }

    /// <summary>Kubernetes' GetResourceUtilizationRatio: the integer percentage first, then its ratio to the target.</summary>
    private static bool TryUtilization(Dictionary<string, long> samples, Dictionary<string, long> requests, int target,
        out double ratio, out int utilization, out long average)
    {
        long usageTotal = 0, requestTotal = 0;
        var entries = 0;
        foreach (var (name, value) in samples)
        {
            if (!requests.TryGetValue(name, out var request))
                continue;
            usageTotal += value;
            requestTotal += request;
            entries++;
        }
        if (requestTotal == 0)
        {
            ratio = 0;
            utilization = 0;
            average = 0;
            return false;
        }
        utilization = (int)(usageTotal * 100 / requestTotal);
        ratio = (double)utilization / target;
        average = usageTotal / entries;
        return true;
    }

    private static (double Ratio, long Average) UsageRatio(Dictionary<string, long> samples, long target)
    {
        long total = 0;
        foreach (var value in samples.Values)
            total += value;
        // Integer average first, as Kubernetes' GetMetricUsageRatio does.
        var average = total / samples.Count;
        return ((double)average / target, average);
    }

    /// <summary>The sum of the containers' requests; a container without one makes utilization meaningless.</summary>
    private static string? PodRequest(Pod pod, string resource, out long milliValue)
    {
        milliValue = 0;
        foreach (var container in pod.Spec.Containers)
        {
            if (container.Resources?.Requests is not { } requests || !requests.TryGetValue(resource, out var request))
                return $"missing request for {resource} in container {container.Name} of Pod {pod.Metadata.Name}";
            milliValue += request.MilliValue;
        }
        return null;
    }
}
