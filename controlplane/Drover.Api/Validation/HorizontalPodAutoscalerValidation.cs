namespace Drover.Api;

/// <summary>
/// Kubernetes ValidateHorizontalPodAutoscalerSpec (autoscaling/v2), limited to what Drover's HPA
/// controller acts on: Resource metrics for cpu and memory.
/// </summary>
internal static class HorizontalPodAutoscalerValidation
{
    private const int MaxStabilizationWindowSeconds = 3600;
    private const int MaxPeriodSeconds = 1800;

    public static void Validate(HorizontalPodAutoscaler hpa, ErrorList errors)
    {
        MetadataValidation.Validate(hpa.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        var spec = hpa.Spec;
        if (spec is null)
        {
            errors.Required("spec");
            return;
        }
        if (spec.MinReplicas is < 1)
            errors.Invalid("spec.minReplicas", spec.MinReplicas.Value, "must be greater than or equal to 1");
        if (spec.MaxReplicas < 1)
            errors.Invalid("spec.maxReplicas", spec.MaxReplicas, "must be greater than 0");
        if (spec.MinReplicas is { } min && spec.MaxReplicas < min)
            errors.Invalid("spec.maxReplicas", spec.MaxReplicas, "must be greater than or equal to `minReplicas`");
        ValidateTarget(spec.ScaleTargetRef, errors);
        if (spec.Metrics is { } metrics)
        {
            for (var i = 0; i < metrics.Count; i++)
                ValidateMetric(metrics[i], $"spec.metrics[{i}]", errors);
        }
        if (spec.Behavior is { } behavior)
        {
            ValidateRules(behavior.ScaleUp, "spec.behavior.scaleUp", errors);
            ValidateRules(behavior.ScaleDown, "spec.behavior.scaleDown", errors);
        }
    }

    private static void ValidateTarget(CrossVersionObjectReference? target, ErrorList errors)
    {
        if (target is null)
        {
            errors.Required("spec.scaleTargetRef");
            return;
        }
        // Kind and name end up as path segments of the /scale request the controller makes.
        CheckSegment(target.Kind, "spec.scaleTargetRef.kind", errors);
        CheckSegment(target.Name, "spec.scaleTargetRef.name", errors);
    }

    private static void CheckSegment(string? value, string path, ErrorList errors)
    {
        if (string.IsNullOrEmpty(value))
            errors.Required(path);
        else if (NameRules.PathSegmentName(value) is { } problem)
            errors.Invalid(path, value, problem);
    }

    private static void ValidateMetric(MetricSpec? metric, string path, ErrorList errors)
    {
        if (metric is null)
        {
            errors.Required(path);
            return;
        }
        if (string.IsNullOrEmpty(metric.Type))
        {
            errors.Required(path + ".type", "must specify a metric source type");
            return;
        }
        if (metric.Type != "Resource")
        {
            // Pods, Object, External and ContainerResource need a custom metrics pipeline Drover does not have.
            errors.NotSupported(path + ".type", metric.Type, "Resource");
            return;
        }
        if (metric.Resource is not { } resource)
        {
            errors.Required(path + ".resource", "must populate information for the given metric source");
            return;
        }
        var at = path + ".resource";
        if (string.IsNullOrEmpty(resource.Name))
            errors.Required(at + ".name", "must specify a resource name");
        else if (resource.Name is not ("cpu" or "memory"))
            errors.NotSupported(at + ".name", resource.Name, "cpu", "memory");
        ValidateMetricTarget(resource.Target, at + ".target", errors);
    }

    private static void ValidateMetricTarget(MetricTarget? target, string path, ErrorList errors)
    {
        if (target is null)
        {
            errors.Required(path);
            return;
        }
        switch (target.Type)
        {
            case null or "":
                errors.Required(path + ".type", "must specify a metric target type");
                break;
            case "Utilization":
                if (target.AverageUtilization is null)
                    errors.Required(path + ".averageUtilization", "must be set when `type` is 'Utilization'");
                break;
            case "AverageValue":
                if (target.AverageValue is null)
                    errors.Required(path + ".averageValue", "must be set when `type` is 'AverageValue'");
                break;
            case "Value":
                if (target.Value is null)
                    errors.Required(path + ".value", "must be set when `type` is 'Value'");
                break;
            default:
                errors.NotSupported(path + ".type", target.Type, "AverageValue", "Utilization", "Value");
                break;
        }
        // A zero or negative target would divide by zero or scale in the wrong direction.
        if (target.Value is { } value && value.Sign <= 0)
            errors.Invalid(path + ".value", value.ToString(), "must be positive");
        if (target.AverageValue is { } average && average.Sign <= 0)
            errors.Invalid(path + ".averageValue", average.ToString(), "must be positive");
        if (target.AverageUtilization is < 1)
            errors.Invalid(path + ".averageUtilization", target.AverageUtilization.Value, "must be greater than 0");
    }

    private static void ValidateRules(HpaScalingRules? rules, string path, ErrorList errors)
    {
        if (rules is null)
            return;
        if (rules.StabilizationWindowSeconds is { } window)
        {
            if (window < 0)
                errors.Invalid(path + ".stabilizationWindowSeconds", window, "must be greater than or equal to zero");
            else if (window > MaxStabilizationWindowSeconds)
                errors.Invalid(path + ".stabilizationWindowSeconds", window, $"must be less than or equal to {MaxStabilizationWindowSeconds}");
        }
        if (rules.SelectPolicy is { } select && select is not ("Disabled" or "Max" or "Min"))
            errors.NotSupported(path + ".selectPolicy", select, "Disabled", "Max", "Min");
        if (rules.Policies is null || rules.Policies.Count == 0)
        {
            errors.Required(path + ".policies", "must specify at least one Policy");
            return;
        }
        for (var i = 0; i < rules.Policies.Count; i++)
        {
            var at = $"{path}.policies[{i}]";
            var policy = rules.Policies[i];
            if (policy is null)
            {
                errors.Required(at);
                continue;
            }
            if (policy.Type is not ("Pods" or "Percent"))
                errors.NotSupported(at + ".type", policy.Type, "Percent", "Pods");
            if (policy.Value <= 0)
                errors.Invalid(at + ".value", policy.Value, "must be greater than zero");
            if (policy.PeriodSeconds <= 0)
                errors.Invalid(at + ".periodSeconds", policy.PeriodSeconds, "must be greater than zero");
            else if (policy.PeriodSeconds > MaxPeriodSeconds)
                errors.Invalid(at + ".periodSeconds", policy.PeriodSeconds, $"must be less than or equal to {MaxPeriodSeconds}");
        }
    }
}
