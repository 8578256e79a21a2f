namespace Drover.Api;

/// <summary>Kubernetes ValidateReplicaSetSpec and ValidateReplicaSetUpdate.</summary>
internal static class ReplicaSetValidation
{
    public static void Validate(ReplicaSet replicaSet, ErrorList errors)
    {
        MetadataValidation.Validate(replicaSet.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        var spec = replicaSet.Spec;
        if (spec is null)
        {
            errors.Required("spec");
            return;
        }
        errors.NonNegative("spec.replicas", spec.Replicas);
        errors.NonNegative("spec.minReadySeconds", spec.MinReadySeconds);
        WorkloadValidation.ValidateSelectorAndTemplate(spec.Selector, spec.Template, "ReplicaSet", errors);
    }

    public static void ValidateUpdate(ReplicaSet updated, ReplicaSet existing, ErrorList errors) =>
        WorkloadValidation.ValidateSelectorUpdate(updated.Spec?.Selector, existing.Spec?.Selector, errors);
}
