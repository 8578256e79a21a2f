namespace Drover.Api;

/// <summary>
/// What Deployments and ReplicaSets share: a selector that picks exactly the pods the template makes
/// (Kubernetes ValidatePodTemplateSpecForReplicaSet).
/// </summary>
internal static class WorkloadValidation
{
    public static void ValidateSelectorAndTemplate(LabelSelector? selector, PodTemplateSpec? template, string kind, ErrorList errors)
    {
        var selectorUsable = false;
        if (selector is null)
        {
            errors.Required("spec.selector");
        }
        else if (SelectorValidation.IsEmpty(selector))
        {
            // An empty selector would adopt every pod in the namespace.
            errors.InvalidRendered("spec.selector", "{}", $"empty selector is invalid for {kind.ToLowerInvariant()}");
        }
        else
        {
            var before = errors.Count;
            SelectorValidation.Validate(selector, "spec.selector", errors);
            selectorUsable = errors.Count == before;
        }

        if (template is null)
        {
            errors.Required("spec.template");
            return;
        }
        var labels = template.Metadata?.Labels;
        // Otherwise the controller would create pods it does not own and keep creating more.
        if (selectorUsable && !SelectorValidation.Matches(selector!, labels))
            errors.InvalidRendered("spec.template.metadata.labels", ErrorList.RenderMap(labels), "`selector` does not match template `labels`");
        MetadataValidation.ValidateLabels(labels, "spec.template.metadata.labels", errors);
        MetadataValidation.ValidateAnnotations(template.Metadata?.Annotations, "spec.template.metadata.annotations", errors);
        PodValidation.ValidateSpec(template.Spec, "spec.template.spec", errors);
        // Replicas are kept running; a pod that may exit for good would be replaced forever.
        if (template.Spec?.RestartPolicy is { } policy && policy != "Always")
            errors.NotSupported("spec.template.spec.restartPolicy", policy, "Always");
        if (template.Spec?.ActiveDeadlineSeconds is { } deadline)
            errors.Invalid("spec.template.spec.activeDeadlineSeconds", deadline, $"activeDeadlineSeconds in {kind} is not Supported");
    }

    public static void ValidateSelectorUpdate(LabelSelector? updated, LabelSelector? existing, ErrorList errors)
    {
        // apps/v1 made selectors immutable: changing one would orphan the pods already created.
        if (!StructuralEquality.Selectors(updated, existing))
            errors.InvalidRendered("spec.selector", Describe(updated), "field is immutable");
    }

    private static string Describe(LabelSelector? selector) =>
        selector is null ? "null" : ErrorList.Quote(SelectorValidation.Describe(selector));
}
