namespace Drover.Api.Patching;

/// <summary>
/// How a strategic merge patch treats one field (Kubernetes' patchStrategy/patchMergeKey struct tags): a list merged by
/// <see cref="MergeKey"/> (containers by name), a list of scalars merged as a set (finalizers), or an object whose keys
/// absent from the patch are dropped (<see cref="RetainKeys"/>: a Deployment's strategy, a Pod's volumes).
/// </summary>
public sealed record PatchStrategy(bool Merge, string? MergeKey, bool RetainKeys)
{
    /// <summary>"merge", "retainKeys" or "merge,retainKeys": what the OpenAPI x-kubernetes-patch-strategy says.</summary>
    public string Text => (Merge, RetainKeys) switch
    {
        (true, true) => "merge,retainKeys",
        (true, false) => "merge",
        (false, true) => "retainKeys",
        _ => "",
    };
}
