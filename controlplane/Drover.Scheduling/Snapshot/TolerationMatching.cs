using Drover.Api;

namespace Drover.Scheduling;

/// <summary>Kubernetes' Toleration.ToleratesTaint, to the letter, so a manifest written for Kubernetes behaves the same here.</summary>
public static class TolerationMatching
{
    public static bool Tolerates(Toleration toleration, string taintKey, string taintValue, string taintEffect)
    {
        ArgumentNullException.ThrowIfNull(toleration);
        // An empty effect tolerates every effect; an empty key (only valid with Exists) every key.
        if (!string.IsNullOrEmpty(toleration.Effect) && !string.Equals(toleration.Effect, taintEffect, StringComparison.Ordinal))
            return false;
        if (!string.IsNullOrEmpty(toleration.Key) && !string.Equals(toleration.Key, taintKey, StringComparison.Ordinal))
            return false;
        return toleration.Operator switch
        {
            null or "" or "Equal" => string.Equals(toleration.Value ?? "", taintValue, StringComparison.Ordinal),
            "Exists" => true,
            _ => false,
        };
    }

    public static bool Tolerates(Toleration toleration, NodeTaint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return Tolerates(toleration, taint.Key, taint.Value, taint.Effect);
    }

    public static bool AnyTolerates(ReadOnlySpan<Toleration> tolerations, NodeTaint taint)
    {
        foreach (var toleration in tolerations)
        {
            if (Tolerates(toleration, taint))
                return true;
        }
        return false;
    }
}
