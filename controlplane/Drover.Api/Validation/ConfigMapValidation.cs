namespace Drover.Api;

/// <summary>Kubernetes ValidateConfigMap and ValidateConfigMapUpdate.</summary>
internal static class ConfigMapValidation
{
    /// <summary>Kubernetes' MaxSecretSize applies to config maps too.</summary>
    public const int MaxSize = 1024 * 1024;

    public static void Validate(ConfigMap configMap, ErrorList errors)
    {
        MetadataValidation.Validate(configMap.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        long total = 0;
        if (configMap.Data is { } data)
        {
            foreach (var (key, value) in data)
            {
                if (NameRules.ConfigKey(key) is { } problem)
                    errors.Invalid(FieldPath.Key("data", key), key, problem);
                total += System.Text.Encoding.UTF8.GetByteCount(value ?? "");
            }
        }
        if (configMap.BinaryData is { } binary)
        {
            foreach (var (key, value) in binary)
            {
                if (NameRules.ConfigKey(key) is { } problem)
                    errors.Invalid(FieldPath.Key("binaryData", key), key, problem);
                // Both maps are projected into one directory; the same key would be one file twice.
                if (configMap.Data?.ContainsKey(key) == true)
                    errors.Invalid(FieldPath.Key("data", key), key, "duplicate of key present in binaryData");
                total += value?.Length ?? 0;
            }
        }
        if (total > MaxSize)
            errors.TooLong("data", MaxSize);
    }

    public static void ValidateUpdate(ConfigMap updated, ConfigMap existing, ErrorList errors)
    {
        if (existing.Immutable != true)
            return;
        // Immutable config maps let agents stop watching them; a change would never reach the pods.
        if (updated.Immutable != true)
            errors.Forbidden("immutable", "field is immutable when `immutable` is set");
        if (!StructuralEquality.Maps(updated.Data, existing.Data, string.Equals))
            errors.Forbidden("data", "field is immutable when `immutable` is set");
        if (!StructuralEquality.Maps(updated.BinaryData, existing.BinaryData, (a, b) => a.AsSpan().SequenceEqual(b)))
            errors.Forbidden("binaryData", "field is immutable when `immutable` is set");
    }
}
