namespace Drover.Api;

/// <summary>
/// Container env and envFrom (Kubernetes ValidateEnv, ValidateEnvFrom) and the field and resource selectors the
/// downward API shares with volumes.
/// </summary>
internal static class EnvValidation
{
    public const int MaxEnv = 1024;
    public const int MaxEnvFrom = 64;

    /// <summary>What an env var may read of its pod (Kubernetes validEnvDownwardAPIFieldPathExpressions, less hostIPs/podIPs lists).</summary>
    public static readonly string[] EnvFieldPaths =
    [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.podIP", "status.hostIPs", "status.podIPs",
    ];

    /// <summary>What a downwardAPI volume file may hold (Kubernetes validVolumeDownwardAPIFieldPathExpressions).</summary>
    public static readonly string[] VolumeFieldPaths = ["metadata.name", "metadata.namespace", "metadata.labels", "metadata.annotations", "metadata.uid"];

    private static readonly string[] Resources =
    [
        "limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    ];

    public static void ValidateEnv(List<EnvVar>? env, string path, string containerName, IReadOnlyCollection<string> containerNames, ErrorList errors)
    {
        if (env is null)
            return;
        if (env.Count > MaxEnv)
        {
            errors.TooMany(path, env.Count, MaxEnv);
            return;
        }
        for (var i = 0; i < env.Count; i++)
        {
            var at = $"{path}[{i}]";
            var variable = env[i];
            var name = variable?.Name ?? "";
            if (name.Length == 0)
                errors.Required(at + ".name");
            else if (NameRules.EnvVarName(name) is { } problem)
                errors.Invalid(at + ".name", name, problem);
            if (variable?.ValueFrom is { } from)
                ValueFrom(from, variable.Value, at + ".valueFrom", containerName, containerNames, errors);
        }
    }

    private static void ValueFrom(EnvVarSource from, string? value, string path, string containerName, IReadOnlyCollection<string> containerNames, ErrorList errors)
    {
        var sources = 0;
        if (from.FieldRef is { } fieldRef)
        {
            sources++;
            FieldRef(fieldRef, path + ".fieldRef", EnvFieldPaths, errors);
        }
        if (from.ResourceFieldRef is { } resourceRef)
        {
            sources++;
            // In env the container defaults to the variable's own.
            ResourceFieldRef(string.IsNullOrEmpty(resourceRef.ContainerName) ? resourceRef with { ContainerName = containerName } : resourceRef,
                path + ".resourceFieldRef", containerNames, containerRequired: false, errors);
        }
        if (from.ConfigMapKeyRef is { } configMapRef)
        {
            sources++;
            KeyRef(configMapRef.Name, configMapRef.Key, path + ".configMapKeyRef", errors);
        }
        if (from.SecretKeyRef is { } secretRef)
        {
            sources++;
            KeyRef(secretRef.Name, secretRef.Key, path + ".secretKeyRef", errors);
        }
        if (sources == 0)
            errors.Invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
        else if (sources > 1)
            errors.Invalid(path, "", "may not have more than one field specified at a time");
        else if (!string.IsNullOrEmpty(value))
            errors.Invalid(path, "", "may not be specified when `value` is not empty");
    }

    private static void KeyRef(string? name, string? key, string path, ErrorList errors)
    {
        if (string.IsNullOrEmpty(name))
            errors.Required(path + ".name");
        else if (NameRules.Dns1123Subdomain(name) is { } nameProblem)
            errors.Invalid(path + ".name", name, nameProblem);
        if (string.IsNullOrEmpty(key))
            errors.Required(path + ".key");
        else if (NameRules.ConfigKey(key) is { } keyProblem)
            errors.Invalid(path + ".key", key, keyProblem);
    }

    public static void ValidateEnvFrom(List<EnvFromSource>? envFrom, string path, ErrorList errors)
    {
        if (envFrom is null)
            return;
        if (envFrom.Count > MaxEnvFrom)
        {
            errors.TooMany(path, envFrom.Count, MaxEnvFrom);
            return;
        }
        for (var i = 0; i < envFrom.Count; i++)
        {
            var at = $"{path}[{i}]";
            var from = envFrom[i];
            if (from is null)
            {
                errors.Required(at);
                continue;
            }
            if (!string.IsNullOrEmpty(from.Prefix) && NameRules.EnvVarName(from.Prefix) is { } prefixProblem)
                errors.Invalid(at + ".prefix", from.Prefix, prefixProblem);
            var sources = 0;
            if (from.ConfigMapRef is { } configMap)
            {
                sources++;
                ObjectName(configMap.Name, at + ".configMapRef.name", errors);
            }
            if (from.SecretRef is { } secret)
            {
                sources++;
                ObjectName(secret.Name, at + ".secretRef.name", errors);
            }
            if (sources == 0)
                errors.Invalid(at, "", "must specify one of: `configMapRef` or `secretRef`");
            else if (sources > 1)
                errors.Invalid(at, "", "may not have more than one field specified at a time");
        }
    }

    private static void ObjectName(string? name, string path, ErrorList errors)
    {
        if (string.IsNullOrEmpty(name))
            errors.Required(path);
        else if (NameRules.Dns1123Subdomain(name) is { } problem)
            errors.Invalid(path, name, problem);
    }

    /// <summary>
    /// apiVersion v1 (defaulting fills it), and a path among <paramref name="allowed"/> or a subscripted label or
    /// annotation (<c>metadata.labels['app']</c>).
    /// </summary>
    public static void FieldRef(ObjectFieldSelector fieldRef, string path, string[] allowed, ErrorList errors)
    {
        if (fieldRef.ApiVersion is { } version && version != "v1")
            errors.NotSupported(path + ".apiVersion", version, "v1");
        var fieldPath = fieldRef.FieldPath ?? "";
        if (fieldPath.Length == 0)
        {
            errors.Required(path + ".fieldPath");
            return;
        }
        if (Array.IndexOf(allowed, fieldPath) >= 0)
            return;
        if (Subscript(fieldPath) is var (map, key))
        {
            // Annotation keys follow the label key grammar (MetadataValidation.ValidateAnnotations).
            var problem = map is "metadata.labels" or "metadata.annotations" ? LabelValidation.ValidateKey(key) : "";
            if (problem is null)
                return;
            if (problem.Length > 0)
            {
                errors.Invalid(path + ".fieldPath", fieldPath, problem);
                return;
            }
        }
        errors.NotSupported(path + ".fieldPath", fieldPath, [.. allowed, "metadata.labels['<KEY>']", "metadata.annotations['<KEY>']"]);
    }

    /// <summary><c>metadata.labels['key']</c> → (metadata.labels, key); null when the path has no subscript.</summary>
    internal static (string Map, string Key)? Subscript(string fieldPath)
    {
        var open = fieldPath.IndexOf("['", StringComparison.Ordinal);
        if (open <= 0 || !fieldPath.EndsWith("']", StringComparison.Ordinal) || fieldPath.Length < open + 4)
            return null;
        return (fieldPath[..open], fieldPath[(open + 2)..^2]);
    }

    public static void ResourceFieldRef(ResourceFieldSelector selector, string path, IReadOnlyCollection<string> containerNames, bool containerRequired, ErrorList errors)
    {
        if (string.IsNullOrEmpty(selector.ContainerName))
        {
            if (containerRequired)
                errors.Required(path + ".containerName");
        }
        else if (!containerNames.Contains(selector.ContainerName))
        {
            errors.NotFound(path + ".containerName", selector.ContainerName);
        }
        if (string.IsNullOrEmpty(selector.Resource))
            errors.Required(path + ".resource");
        else if (Array.IndexOf(Resources, selector.Resource) < 0)
            errors.NotSupported(path + ".resource", selector.Resource, Resources);
        if (selector.Divisor is { } divisor && divisor <= Quantity.Zero)
            errors.Invalid(path + ".divisor", divisor.ToString(), "must be greater than 0");
    }
}
