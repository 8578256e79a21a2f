namespace Drover.Api;

/// <summary>
/// What Deployments and ReplicaSets share: a selector that picks exactly the pods the template makes
/// (Kubernetes ValidatePodTemplateSpecForReplicaSet).
/// </summary>
internal static class WorkloadValidation
{
    public static void ValidateSelectorAndTemplate(LabelSelector? selector, PodTemplateSpec? template, string kind, ErrorList errors) =>
        ValidateSelectorAndTemplate(selector, template, kind, errors, "spec", RestartPolicies.KeepRunning, selectorRequired: true);

    /// <param name="path">Where the spec is: "spec", or "spec.jobTemplate.spec" inside a CronJob.</param>
    /// <param name="restartPolicies">The template's allowed restartPolicy values.</param>
    /// <param name="selectorRequired">False where the server fills the selector in later (a CronJob's job template).</param>
    public static void ValidateSelectorAndTemplate(LabelSelector? selector, PodTemplateSpec? template, string kind, ErrorList errors,
        string path, string[] restartPolicies, bool selectorRequired)
    {
        var selectorUsable = false;
        if (selector is null)
        {
            if (selectorRequired)
                errors.Required(path + ".selector");
        }
        else if (SelectorValidation.IsEmpty(selector))
        {
            // An empty selector would adopt every pod in the namespace.
            errors.InvalidRendered(path + ".selector", "{}", $"empty selector is invalid for {kind.ToLowerInvariant()}");
        }
        else
        {
            var before = errors.Count;
            SelectorValidation.Validate(selector, path + ".selector", errors);
            selectorUsable = errors.Count == before;
        }

        if (template is null)
        {
            errors.Required(path + ".template");
            return;
        }
        var labels = template.Metadata?.Labels;
        // Otherwise the controller would create pods it does not own and keep creating more.
        if (selectorUsable && !SelectorValidation.Matches(selector!, labels))
            errors.InvalidRendered(path + ".template.metadata.labels", ErrorList.RenderMap(labels), "`selector` does not match template `labels`");
        MetadataValidation.ValidateLabels(labels, path + ".template.metadata.labels", errors);
        MetadataValidation.ValidateAnnotations(template.Metadata?.Annotations, path + ".template.metadata.annotations", errors);
        PodValidation.ValidateSpec(template.Spec, path + ".template.spec", errors);
        if (template.Spec?.RestartPolicy is { } policy && Array.IndexOf(restartPolicies, policy) < 0)
            errors.NotSupported(path + ".template.spec.restartPolicy", policy, restartPolicies);
        // Pods kept running have no deadline; a Job's pods may (it fails the pod, and the Job counts a failure).
        if (restartPolicies == RestartPolicies.KeepRunning && template.Spec?.ActiveDeadlineSeconds is { } deadline)
            errors.Invalid(path + ".template.spec.activeDeadlineSeconds", deadline, $"activeDeadlineSeconds in {kind} is not Supported");
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
