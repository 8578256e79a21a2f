namespace Drover.Scheduling;

/// <summary>
/// A node taint read once when the node is added or updated. The rejection reason is formatted here,
/// not per decision, so turning a pod away from a tainted node allocates nothing.
/// </summary>
public sealed class NodeTaint
{
    internal NodeTaint(string key, string value, string effect)
    {
        Key = key;
        Value = value;
        Effect = effect;
        BlocksScheduling = effect is TaintEffects.NoSchedule or TaintEffects.NoExecute;
        UntoleratedReason = $"node(s) had untolerated taint {{{key}: {value}}}";
    }

    public string Key { get; }

    /// <summary>Never null: Kubernetes' taint value is a plain string whose zero value is empty.</summary>
    public string Value { get; }

    public string Effect { get; }

    /// <summary>NoSchedule and NoExecute keep new pods off; PreferNoSchedule only lowers the node's score.</summary>
    public bool BlocksScheduling { get; }

    /// <summary>Kubernetes' TaintToleration filter message for this taint.</summary>
    public string UntoleratedReason { get; }
}
