using Drover.Api;
using Drover.ControlPlane.ResourceMetrics;

namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// One reconcile of an HPA as kube-controller-manager does it (reconcileAutoscaler and computeReplicasForMetrics),
/// without I/O: the target's scale, its pods and their usage samples in, the decision out. Every metric proposes a
/// count and the largest wins; a metric that cannot be computed blocks scaling down but not up.
/// </summary>
public sealed class HpaPlanner(HpaOptions options)
{
    private readonly HpaOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly ReplicaCalculator _calculator = new(options.Calculator);

    /// <param name="specReplicas">The target's spec.replicas, read through its /scale.</param>
    /// <param name="pods">The pods the target's selector matches.</param>
    /// <param name="usage">Per resource name ("cpu", "memory"): each pod's latest usage sample, by pod name.</param>
    public HpaPlan Plan(HorizontalPodAutoscaler hpa, int specReplicas, IReadOnlyList<Pod> pods,
        Func<string, IReadOnlyDictionary<string, PodUsage>> usage, ScalingHistory history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hpa);
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(history);
        var spec = hpa.Spec;
        var min = spec.MinReplicas ?? 1;
        var conditions = new HpaConditions(hpa.Status?.Conditions, now);
        conditions.Set(HpaConditions.AbleToScale, true, "SucceededGetScale", "the HPA controller was able to get the target's current scale");

        if (specReplicas == 0 && min != 0)
        {
            conditions.Set(HpaConditions.ScalingActive, false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
            return new HpaPlan { CurrentReplicas = 0, DesiredReplicas = 0, CurrentMetrics = [], Conditions = conditions };
        }
        if (specReplicas > spec.MaxReplicas)
            return Clamped(specReplicas, spec.MaxReplicas, "Current number of replicas above Spec.MaxReplicas", hpa, conditions);
        if (specReplicas < min)
            return Clamped(specReplicas, min, "Current number of replicas below Spec.MinReplicas", hpa, conditions);

        var metrics = spec.Metrics ?? [];
        var statuses = new List<MetricStatus>(metrics.Count);
        var proposed = 0;
        string? proposedBy = null, validMetric = null, firstError = null;
        var invalid = 0;
        foreach (var metric in metrics)
        {
            var (proposal, name, status) = Evaluate(metric, specReplicas, pods, usage, now);
            statuses.Add(status);
            if (proposal.Error is not null)
            {
                invalid++;
                firstError ??= proposal.Error;
                conditions.Set(HpaConditions.ScalingActive, false, "FailedGetResourceMetric",
                    $"the HPA was unable to compute the replica count: {proposal.Error}");
                continue;
            }
            validMetric ??= name;
            if (proposedBy is null || proposal.Replicas > proposed)
                (proposed, proposedBy) = (proposal.Replicas, name);
        }

        if (invalid > 0 && (invalid >= metrics.Count || proposed < specReplicas))
        {
            // Without every metric, only a scale-up is safe: a missing metric might have asked for more.
            return new HpaPlan
            {
                CurrentReplicas = specReplicas,
                DesiredReplicas = hpa.Status?.DesiredReplicas ?? specReplicas,
                CurrentMetrics = statuses,
                Conditions = conditions,
                Warning = ("FailedComputeMetricsReplicas",
                    $"invalid metrics ({invalid} invalid out of {metrics.Count}), first error is: {firstError}"),
            };
        }
        conditions.Set(HpaConditions.ScalingActive, true, "ValidMetricFound",
            $"the HPA was able to successfully calculate a replica count from {proposedBy ?? validMetric}");

        var decision = ReplicaNormalizer.Normalize(spec, history, specReplicas, Math.Max(proposed, 0), _options.DownscaleStabilizationWindow, now);
        conditions.Set(HpaConditions.AbleToScale, true, decision.AbleToScaleReason, decision.AbleToScaleMessage);
        conditions.Set(HpaConditions.ScalingLimited, decision.Limited, decision.LimitedReason, decision.LimitedMessage);
        var reason = decision.Replicas > specReplicas ? $"{proposedBy} above target" : "All metrics below target";
        return new HpaPlan
        {
            CurrentReplicas = specReplicas,
            DesiredReplicas = decision.Replicas,
            Rescale = decision.Replicas != specReplicas,
            RescaleReason = reason,
            CurrentMetrics = statuses,
            Conditions = conditions,
        };
    }

    private static HpaPlan Clamped(int current, int desired, string reason, HorizontalPodAutoscaler hpa, HpaConditions conditions) => new()
    {
        CurrentReplicas = current,
        DesiredReplicas = desired,
        Rescale = true,
        RescaleReason = reason,
        CurrentMetrics = hpa.Status?.CurrentMetrics ?? [],
        Conditions = conditions,
    };

    /// <summary>One metric's proposal, its name as Kubernetes' messages spell it, and the status entry it reports.</summary>
    private (ReplicaProposal Proposal, string Name, MetricStatus Status) Evaluate(MetricSpec metric, int current,
        IReadOnlyList<Pod> pods, Func<string, IReadOnlyDictionary<string, PodUsage>> usage, DateTimeOffset now)
    {
        if (metric.Type != "Resource" || metric.Resource is not { } resource)
            return (ReplicaProposal.Failed($"metric type {metric.Type} is not supported (only Resource)"), metric.Type, new MetricStatus { Type = "" });
        var name = resource.Name;
        var target = resource.Target;
        if (target.Type == "Utilization" && target.AverageUtilization is { } percent)
        {
            var proposal = _calculator.ForUtilization(current, percent, name, pods, usage(name), now);
            var label = $"{name} resource utilization (percentage of request)";
            if (proposal.Error is not null)
                return (proposal with { Error = $"failed to get {name} utilization: {proposal.Error}" }, label, new MetricStatus { Type = "" });
            return (proposal, label, ResourceStatus(name, proposal.Utilization, proposal.AverageMilliValue));
        }
        if (target.Type == "AverageValue" && target.AverageValue is { } value)
        {
            var proposal = _calculator.ForAverageValue(current, value.MilliValue, name, pods, usage(name), now);
            var label = $"{name} resource";
            if (proposal.Error is not null)
                return (proposal with { Error = $"failed to get {name} usage: {proposal.Error}" }, label, new MetricStatus { Type = "" });
            return (proposal, label, ResourceStatus(name, null, proposal.AverageMilliValue));
        }
        return (ReplicaProposal.Failed($"invalid resource metric source: target type {target.Type} is not supported for {name}"), name, new MetricStatus { Type = "" });
    }

    private static MetricStatus ResourceStatus(string name, int? utilization, long averageMilli) => new()
    {
        Type = "Resource",
        Resource = new ResourceMetricStatus
        {
            Name = name,
            Current = new MetricValueStatus
            {
                AverageUtilization = utilization,
                // Kubernetes reports the raw average as a milli-quantity for every resource.
                AverageValue = Quantity.FromMilli(averageMilli),
            },
        },
    };
}
