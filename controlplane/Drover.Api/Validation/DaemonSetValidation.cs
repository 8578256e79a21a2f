using System.Text.Json;

namespace Drover.Api;

/// <summary>Kubernetes ValidateDaemonSet, ValidateDaemonSetUpdate and ValidateControllerRevision (apps/v1).</summary>
internal static class DaemonSetValidation
{
    /// <summary>A revision's snapshot is a template: as large as a pod template may be, well within the request limit.</summary>
    public const int MaxRevisionDataBytes = 1024 * 1024;

    public static void Validate(DaemonSet daemonSet, ErrorList errors)
    {
        MetadataValidation.Validate(daemonSet.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        var spec = daemonSet.Spec;
        if (spec is null)
        {
            errors.Required("spec");
            return;
        }
        WorkloadValidation.ValidateSelectorAndTemplate(spec.Selector, spec.Template, "DaemonSet", errors);
        errors.NonNegative("spec.minReadySeconds", spec.MinReadySeconds);
        errors.NonNegative("spec.revisionHistoryLimit", spec.RevisionHistoryLimit);
        ValidateStrategy(spec.UpdateStrategy, errors);
    }

    public static void ValidateUpdate(DaemonSet updated, DaemonSet existing, ErrorList errors) =>
        WorkloadValidation.ValidateSelectorUpdate(updated.Spec?.Selector, existing.Spec?.Selector, errors);

    public static void Validate(ControllerRevision revision, ErrorList errors)
    {
        MetadataValidation.Validate(revision.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        errors.NonNegative("revision", revision.Revision);
        if (revision.Data is { } data && data.GetRawText().Length > MaxRevisionDataBytes)
            errors.TooLong("data", MaxRevisionDataBytes);
    }

    /// <summary>A revision is a snapshot: what it recorded never changes (Kubernetes ValidateControllerRevisionUpdate).</summary>
    public static void ValidateUpdate(ControllerRevision updated, ControllerRevision existing, ErrorList errors)
    {
        if (!JsonEqual(updated.Data, existing.Data))
            errors.InvalidRendered("data", "{...}", "field is immutable");
    }

    private static void ValidateStrategy(DaemonSetUpdateStrategy? strategy, ErrorList errors)
    {
        if (strategy is null)
            return;
        switch (strategy.Type)
        {
            case null or "":
                errors.Required("spec.updateStrategy.type");
                break;
            case "OnDelete":
                if (strategy.RollingUpdate is not null)
                    errors.Forbidden("spec.updateStrategy.rollingUpdate", "may not be specified when strategy `type` is 'OnDelete'");
                break;
            case "RollingUpdate":
                if (strategy.RollingUpdate is { } rolling)
                    ValidateRollingUpdate(rolling, errors);
                break;
            default:
                errors.NotSupported("spec.updateStrategy.type", strategy.Type, "OnDelete", "RollingUpdate");
                break;
        }
    }

    private static void ValidateRollingUpdate(RollingUpdateDaemonSet rolling, ErrorList errors)
    {
        const string path = "spec.updateStrategy.rollingUpdate";
        var unavailable = DeploymentValidation.ValidateIntOrPercent(rolling.MaxUnavailable, path + ".maxUnavailable", errors);
        var surge = DeploymentValidation.ValidateIntOrPercent(rolling.MaxSurge, path + ".maxSurge", errors);
        if (rolling.MaxUnavailable is { IsString: true } u && unavailable > 100)
            DeploymentValidation.Invalid(errors, path + ".maxUnavailable", u, "must not be greater than 100%");
        if (rolling.MaxSurge is { IsString: true } s && surge > 100)
            DeploymentValidation.Invalid(errors, path + ".maxSurge", s, "must not be greater than 100%");
        // A node runs one daemon pod: it is replaced either by stopping the old one first or by starting the new one
        // beside it, never both at once, and never neither.
        if ((unavailable ?? 0) == 0 && (surge ?? 0) == 0 && rolling.MaxUnavailable is { } zero)
            DeploymentValidation.Invalid(errors, path + ".maxUnavailable", zero, "may not be 0 when `maxSurge` is 0");
        if (unavailable > 0 && surge > 0)
            DeploymentValidation.Invalid(errors, path + ".maxSurge", rolling.MaxSurge!.Value, "may not be set when maxUnavailable is non-zero");
    }

    private static bool JsonEqual(JsonElement? a, JsonElement? b) =>
        a is null || b is null ? a is null && b is null : a.Value.GetRawText() == b.Value.GetRawText();
}
