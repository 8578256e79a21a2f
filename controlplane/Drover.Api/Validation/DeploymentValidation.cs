using System.Globalization;

namespace Drover.Api;

/// <summary>Kubernetes ValidateDeploymentSpec and ValidateDeploymentUpdate.</summary>
internal static class DeploymentValidation
{
    public static void Validate(Deployment deployment, ErrorList errors)
    {
        MetadataValidation.Validate(deployment.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        var spec = deployment.Spec;
        if (spec is null)
        {
            errors.Required("spec");
            return;
        }
        errors.NonNegative("spec.replicas", spec.Replicas);
        WorkloadValidation.ValidateSelectorAndTemplate(spec.Selector, spec.Template, "Deployment", errors);
        ValidateStrategy(spec.Strategy, errors);
        errors.NonNegative("spec.revisionHistoryLimit", spec.RevisionHistoryLimit);
        errors.NonNegative("spec.minReadySeconds", spec.MinReadySeconds);
        if (spec.ProgressDeadlineSeconds is { } deadline)
        {
            errors.NonNegative("spec.progressDeadlineSeconds", deadline);
            // A pod must get the chance to become available before the rollout is declared stuck.
            if (deadline <= (spec.MinReadySeconds ?? 0))
                errors.Invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds");
        }
    }

    private static void ValidateStrategy(DeploymentStrategy? strategy, ErrorList errors)
    {
        if (strategy is null)
            return;
        switch (strategy.Type)
        {
            case null or "":
                errors.Required("spec.strategy.type");
                break;
            case "Recreate":
                if (strategy.RollingUpdate is not null)
                    errors.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
                break;
            case "RollingUpdate":
                if (strategy.RollingUpdate is { } rolling)
                    ValidateRollingUpdate(rolling, errors);
                break;
            default:
                errors.NotSupported("spec.strategy.type", strategy.Type, "Recreate", "RollingUpdate");
                break;
        }
    }

    private static void ValidateRollingUpdate(RollingUpdateDeployment rolling, ErrorList errors)
    {
        const string path = "spec.strategy.rollingUpdate";
        var unavailable = ValidateIntOrPercent(rolling.MaxUnavailable, path + ".maxUnavailable", errors);
        var surge = ValidateIntOrPercent(rolling.MaxSurge, path + ".maxSurge", errors);
        // Neither removing nor adding a pod first would leave the rollout unable to move.
        if (unavailable == 0 && surge == 0)
            Invalid(errors, path + ".maxUnavailable", rolling.MaxUnavailable!.Value, "may not be 0 when `maxSurge` is 0");
        if (rolling.MaxUnavailable is { IsString: true } value && unavailable > 100)
            Invalid(errors, path + ".maxUnavailable", value, "must not be greater than 100%");
    }

    /// <summary>Returns the number or percentage, or null when unset or malformed (malformed is reported).</summary>
    internal static int? ValidateIntOrPercent(IntOrString? value, string path, ErrorList errors)
    {
        if (value is not { } v)
            return null;
        if (!v.IsString)
        {
            errors.NonNegative(path, v.IntValue);
            return v.IntValue;
        }
        var text = v.StringValue;
        if (text.Length > 1 && text[^1] == '%'
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
            return percent;
        errors.Invalid(path, text, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
        return null;
    }

    internal static void Invalid(ErrorList errors, string path, IntOrString value, string detail)
    {
        if (value.IsString) errors.Invalid(path, value.StringValue, detail);
        else errors.Invalid(path, value.IntValue, detail);
    }

    public static void ValidateUpdate(Deployment updated, Deployment existing, ErrorList errors) =>
        WorkloadValidation.ValidateSelectorUpdate(updated.Spec?.Selector, existing.Spec?.Selector, errors);
}
