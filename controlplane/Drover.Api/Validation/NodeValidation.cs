namespace Drover.Api;

/// <summary>Kubernetes ValidateNode and the podCIDR rule of ValidateNodeUpdate.</summary>
internal static class NodeValidation
{
    public static void Validate(Node node, ErrorList errors)
    {
        MetadataValidation.Validate(node.Metadata, namespaced: false, NameRules.Dns1123Subdomain, errors);
        if (node.Status?.DaemonEndpoints?.KubeletEndpoint is { Port: < 0 or > 65535 } kubelet)
            errors.Invalid("status.daemonEndpoints.kubeletEndpoint.Port", kubelet.Port, "must be between 0 and 65535, inclusive");
        var spec = node.Spec;
        if (spec is null)
            return;
        TaintValidation.ValidateTaints(spec.Taints, "spec.taints", errors);
        if (!string.IsNullOrEmpty(spec.PodCIDR) && !NetworkRules.IsCidr(spec.PodCIDR))
            errors.Invalid("spec.podCIDR", spec.PodCIDR, NetworkRules.CidrMessage);
        if (spec.PodCIDRs is { } cidrs)
        {
            for (var i = 0; i < cidrs.Count; i++)
            {
                if (!NetworkRules.IsCidr(cidrs[i] ?? ""))
                    errors.Invalid($"spec.podCIDRs[{i}]", cidrs[i], NetworkRules.CidrMessage);
            }
            if (!string.IsNullOrEmpty(spec.PodCIDR) && cidrs.Count > 0 && cidrs[0] != spec.PodCIDR)
                errors.Invalid("spec.podCIDRs", cidrs[0], "element [0] must match podCIDR");
        }
    }

    public static void ValidateUpdate(Node updated, Node existing, ErrorList errors)
    {
        // Pods already have addresses from the assigned range; it may be set once, never moved.
        var old = existing.Spec?.PodCIDR;
        if (!string.IsNullOrEmpty(old) && !string.Equals(old, updated.Spec?.PodCIDR, StringComparison.Ordinal))
            errors.Forbidden("spec.podCIDR", "node updates may not change podCIDR except from \"\" to valid");
    }
}
