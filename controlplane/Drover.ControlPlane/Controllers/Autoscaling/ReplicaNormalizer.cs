using Drover.Api;

namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// Kubernetes' normalizeDesiredReplicas and normalizeDesiredReplicasWithBehaviors: turns what the metrics ask for
/// into what the HPA does, through the stabilisation window (the highest recent recommendation on the way down, the
/// lowest on the way up with a behavior), the scaling policies per period, and min/max replicas. Pure but for the
/// <see cref="ScalingHistory"/> it updates; time is an input.
/// </summary>
public static class ReplicaNormalizer
{
    private const string ScaleUpLimitMessage = "the desired replica count is increasing faster than the maximum scale rate";
    private const string TooManyMessage = "the desired replica count is more than the maximum replica count";
    private const string TooFewMessage = "the desired replica count is less than the minimum replica count";
    private const string WithinRangeMessage = "the desired count is within the acceptable range";
    private const string ReadyMessage = "recommended size matches current size";
    private const string ScaleDownStabilizedMessage = "recent recommendations were higher than current one, applying the highest recent recommendation";
    private const string ScaleUpStabilizedMessage = "recent recommendations were lower than current one, applying the lowest recent recommendation";

    /// <param name="downscaleWindow">--horizontal-pod-autoscaler-downscale-stabilization, used when the HPA sets none.</param>
    public static ScaleDecision Normalize(HorizontalPodAutoscalerSpec spec, ScalingHistory history, int current, int proposed,
        TimeSpan downscaleWindow, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(history);
        var min = spec.MinReplicas ?? 1;
        return spec.Behavior is { } behavior
            ? WithBehavior(behavior, history, current, proposed, min, spec.MaxReplicas, downscaleWindow, now)
            : WithoutBehavior(history, current, proposed, min, spec.MaxReplicas, downscaleWindow, now);
    }

    /// <summary>Remembers a rescale the controller made, for the behavior policies.</summary>
    public static void RecordScale(HorizontalPodAutoscalerSpec spec, ScalingHistory history, int from, int to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(history);
        if (spec.Behavior is not { } behavior)
            return;
        var rules = to > from ? behavior.ScaleUp : behavior.ScaleDown;
        var longest = 0;
        foreach (var policy in rules?.Policies ?? [])
            longest = Math.Max(longest, policy.PeriodSeconds);
        history.RecordScale(from, to, longest, now);
    }

    private static ScaleDecision WithoutBehavior(ScalingHistory history, int current, int proposed, int min, int max,
        TimeSpan window, DateTimeOffset now)
    {
        var cutoff = now - window;
        var stabilized = proposed;
        foreach (var (replicas, at) in history.Recommendations)
        {
            if (at >= cutoff && replicas > stabilized)
                stabilized = replicas;
        }
        history.Recommend(proposed, now, at => at < cutoff);
        var (able, ableMessage) = stabilized != proposed
            ? ("ScaleDownStabilized", ScaleDownStabilizedMessage)
            : ("ReadyForNewScale", ReadyMessage);

        // Without a behavior, a scale-up is limited to max(2 × current, 4) per sync (Kubernetes' guard against a bogus
        // usage report multiplying the fleet).
        var scaleUpLimit = Math.Max(2 * current, 4);
        var (maxAllowed, reason, message) = max > scaleUpLimit
            ? (scaleUpLimit, "ScaleUpLimit", ScaleUpLimitMessage)
            : (max, "TooManyReplicas", TooManyMessage);
        int desired;
        if (stabilized < min)
            (desired, reason, message) = (min, "TooFewReplicas", TooFewMessage);
        else if (stabilized > maxAllowed)
            desired = maxAllowed;
        else
            (desired, reason, message) = (stabilized, "DesiredWithinRange", WithinRangeMessage);
        return new ScaleDecision(desired, able, ableMessage, desired != stabilized, reason, message);
    }

    private static ScaleDecision WithBehavior(HorizontalPodAutoscalerBehavior behavior, ScalingHistory history, int current,
        int proposed, int min, int max, TimeSpan defaultDownWindow, DateTimeOffset now)
    {
        var up = behavior.ScaleUp ?? new HpaScalingRules();
        var down = behavior.ScaleDown ?? new HpaScalingRules();
        var upCutoff = now.AddSeconds(-(up.StabilizationWindowSeconds ?? 0));
        var downCutoff = down.StabilizationWindowSeconds is { } seconds ? now.AddSeconds(-seconds) : now - defaultDownWindow;

        // The lowest recommendation within the scale-up window bounds a rise, the highest within the scale-down window
        // bounds a fall; the current count lies between unless both agree to move.
        int upBound = proposed, downBound = proposed;
        foreach (var (replicas, at) in history.Recommendations)
        {
            if (at > upCutoff)
                upBound = Math.Min(upBound, replicas);
            if (at > downCutoff)
                downBound = Math.Max(downBound, replicas);
        }
        var stabilized = Math.Min(Math.Max(current, upBound), downBound);
        history.Recommend(proposed, now, at => at < upCutoff && at < downCutoff);

        var (able, ableMessage) = stabilized == proposed ? ("ReadyForNewScale", ReadyMessage)
            : proposed >= current ? ("ScaleUpStabilized", ScaleUpStabilizedMessage)
            : ("ScaleDownStabilized", ScaleDownStabilizedMessage);

        var (desired, reason, message) = RateLimited(up, down, history, current, stabilized, min, max, now);
        return new ScaleDecision(desired, able, ableMessage, desired != stabilized, reason, message);
    }

    private static (int Desired, string Reason, string Message) RateLimited(HpaScalingRules up, HpaScalingRules down,
        ScalingHistory history, int current, int desired, int min, int max, DateTimeOffset now)
    {
        if (desired > current)
        {
            var limit = Math.Max(ScaleUpLimit(current, history, up, now), current);
            var (allowed, reason, message) = max > limit
                ? (limit, "ScaleUpLimit", ScaleUpLimitMessage)
                : (max, "TooManyReplicas", TooManyMessage);
            if (desired > allowed)
                return (allowed, reason, message);
        }
        else if (desired < current)
        {
            var limit = Math.Min(ScaleDownLimit(current, history, down, now), current);
            var (allowed, reason, message) = min < limit
                ? (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
                : (min, "TooFewReplicas", TooFewMessage);
            if (desired < allowed)
                return (allowed, reason, message);
        }
        return (desired, "DesiredWithinRange", WithinRangeMessage);
    }

    /// <summary>
    /// The most replicas the scale-up policies allow now, counted from the replicas at the start of each policy's
    /// period; selectPolicy Max takes the most permissive policy, Min the strictest, Disabled forbids scaling up.
    /// </summary>
    private static int ScaleUpLimit(int current, ScalingHistory history, HpaScalingRules rules, DateTimeOffset now) =>
        PolicyLimit(current, history, rules, now, up: true);

    /// <summary>The fewest replicas the scale-down policies allow now (the mirror of <see cref="ScaleUpLimit"/>).</summary>
    private static int ScaleDownLimit(int current, ScalingHistory history, HpaScalingRules rules, DateTimeOffset now) =>
        PolicyLimit(current, history, rules, now, up: false);

    private static int PolicyLimit(int current, ScalingHistory history, HpaScalingRules rules, DateTimeOffset now, bool up)
    {
        if (rules.SelectPolicy == "Disabled")
            return current;
        // "Max" means the largest change: the highest bound going up, the lowest going down; "Min" the reverse.
        var highest = (rules.SelectPolicy == "Min") != up;
        var result = highest ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var periodStart = current - ScalingHistory.ChangeWithin(history.ScaleUps, policy.PeriodSeconds, now)
                + ScalingHistory.ChangeWithin(history.ScaleDowns, policy.PeriodSeconds, now);
            var proposed = (policy.Type, up) switch
            {
                ("Pods", true) => periodStart + policy.Value,
                ("Pods", false) => periodStart - policy.Value,
                // Rounded up going up, or a small Percent could never add a replica; truncated going down.
                (_, true) => (int)Math.Ceiling(periodStart * (1 + policy.Value / 100.0)),
                (_, false) => (int)(periodStart * (1 - policy.Value / 100.0)),
            };
            result = highest ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }
        return result;
    }
}
