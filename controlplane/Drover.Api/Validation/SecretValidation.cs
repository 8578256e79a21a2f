namespace Drover.Api;

/// <summary>Kubernetes ValidateSecret and ValidateSecretUpdate.</summary>
internal static class SecretValidation
{
    /// <summary>Kubernetes' MaxSecretSize: secrets are held in memory by every agent that mounts them.</summary>
    public const int MaxSize = 1024 * 1024;

    public static void Validate(Secret secret, ErrorList errors)
    {
        MetadataValidation.Validate(secret.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        long total = 0;
        if (secret.Data is { } data)
        {
            foreach (var (key, value) in data)
            {
                if (NameRules.ConfigKey(key) is { } problem)
                    errors.Invalid(FieldPath.Key("data", key), key, problem);
                total += value?.Length ?? 0;
            }
        }
        // Undefaulted objects still carry stringData; judge it as the data it will become.
        if (secret.StringData is { } stringData)
        {
            foreach (var (key, value) in stringData)
            {
                if (NameRules.ConfigKey(key) is { } problem)
                    errors.Invalid(FieldPath.Key("stringData", key), key, problem);
                if (secret.Data?.ContainsKey(key) != true)
                    total += System.Text.Encoding.UTF8.GetByteCount(value ?? "");
            }
        }
        if (total > MaxSize)
            errors.TooLong("data", MaxSize);
        ValidateType(secret, errors);
    }

    /// <summary>The well-known types promise consumers certain keys; a TLS secret without a key is useless to the ingress.</summary>
    private static void ValidateType(Secret secret, ErrorList errors)
    {
        switch (secret.Type)
        {
            case "kubernetes.io/tls":
                RequireKey(secret, "tls.crt", errors);
                RequireKey(secret, "tls.key", errors);
                break;
            case "kubernetes.io/ssh-auth":
                RequireKey(secret, "ssh-privatekey", errors);
                break;
            case "kubernetes.io/dockerconfigjson":
                RequireKey(secret, ".dockerconfigjson", errors);
                break;
            case "kubernetes.io/dockercfg":
                RequireKey(secret, ".dockercfg", errors);
                break;
            case "kubernetes.io/basic-auth":
                if (!HasKey(secret, "username") && !HasKey(secret, "password"))
                    errors.Required(FieldPath.Key("data", "username"), "either username or password is required");
                break;
        }
    }

    private static void RequireKey(Secret secret, string key, ErrorList errors)
    {
        if (!HasKey(secret, key))
            errors.Required(FieldPath.Key("data", key));
    }

    private static bool HasKey(Secret secret, string key) =>
        secret.Data?.ContainsKey(key) == true || secret.StringData?.ContainsKey(key) == true;

    public static void ValidateUpdate(Secret updated, Secret existing, ErrorList errors)
    {
        // Consumers pick the parser by type.
        if ((updated.Type ?? "Opaque") != (existing.Type ?? "Opaque"))
            errors.Invalid("type", updated.Type, "field is immutable");
        if (existing.Immutable != true)
            return;
        // Immutable secrets let agents stop watching them; a change would never reach the pods.
        if (updated.Immutable != true)
            errors.Forbidden("immutable", "field is immutable when `immutable` is set");
        if (!StructuralEquality.Maps(updated.Data, existing.Data, (a, b) => a.AsSpan().SequenceEqual(b))
            || updated.StringData is { Count: > 0 })
            errors.Forbidden("data", "field is immutable when `immutable` is set");
    }
}
