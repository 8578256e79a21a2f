namespace Drover.Api;

/// <summary>Container requests and limits (Kubernetes ValidateResourceRequirements).</summary>
internal static class ResourceValidation
{
    private static readonly string[] SupportedNames = ["cpu", "ephemeral-storage", "hugepages-<size>", "memory", "<domain>/<name>"];

    public static void Validate(ResourceRequirements? resources, string path, ErrorList errors)
    {
        if (resources is null)
            return;
        var limitsPath = path + ".limits";
        var requestsPath = path + ".requests";
        if (resources.Limits is { } limits)
        {
            foreach (var (name, quantity) in limits)
                ValidateEntry(name, quantity, FieldPath.Key(limitsPath, name), errors);
        }
        if (resources.Requests is not { } requests)
            return;
        foreach (var (name, request) in requests)
        {
            var at = FieldPath.Key(requestsPath, name);
            ValidateEntry(name, request, at, errors);
            Quantity limit = default;
            var hasLimit = resources.Limits?.TryGetValue(name, out limit) == true;
            if (IsOvercommitable(name))
            {
                // A request above the limit could never be satisfied: the container would be killed at its limit.
                if (hasLimit && request > limit)
                    errors.Invalid(at, request.ToString(), $"must be less than or equal to {name} limit of {limit}");
            }
            else if (!hasLimit)
            {
                // Hugepages and extended resources (GPUs…) are handed out whole; requests must equal limits.
                errors.Required(FieldPath.Key(limitsPath, name), "Limit must be set for non overcommitable resources");
            }
            else if (request != limit)
            {
                errors.Invalid(at, request.ToString(), $"must be equal to {name} limit of {limit}");
            }
        }
    }

    private static void ValidateEntry(string name, Quantity quantity, string at, ErrorList errors)
    {
        ValidateName(name, at, errors);
        if (quantity.Sign < 0)
            errors.Invalid(at, quantity.ToString(), "must be greater than or equal to 0");
    }

    private static void ValidateName(string name, string at, ErrorList errors)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            if (!IsStandard(name))
                errors.NotSupported(at, name, SupportedNames);
            return;
        }
        // The kubernetes.io namespace is reserved for resources Kubernetes itself defines.
        var prefix = name.AsSpan(0, slash);
        if (prefix.SequenceEqual("kubernetes.io") || prefix.EndsWith(".kubernetes.io") || name.StartsWith("requests.", StringComparison.Ordinal))
        {
            errors.NotSupported(at, name, SupportedNames);
            return;
        }
        if (LabelValidation.ValidateKey(name) is { } problem)
            errors.Invalid(at, name, problem);
    }

    private static bool IsStandard(string name) =>
        name is "cpu" or "memory" or "ephemeral-storage"
        || (name.StartsWith("hugepages-", StringComparison.Ordinal) && Quantity.TryParse(name.AsSpan("hugepages-".Length), out _));

    private static bool IsOvercommitable(string name) => name is "cpu" or "memory" or "ephemeral-storage";
}
