using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>
/// Kubernetes' EncryptionConfiguration (apiserver.config.k8s.io/v1), the subset droverd reads and writes: one entry for
/// <c>secrets</c> with <c>aesgcm</c> and <c>identity</c> providers. The first provider encrypts writes (its first key),
/// every listed one opens reads — as kube-apiserver's --encryption-provider-config and k3s' encryption-config.json.
/// </summary>
public sealed record EncryptionConfiguration
{
    public string Kind { get; init; } = "EncryptionConfiguration";
    public string ApiVersion { get; init; } = "apiserver.config.k8s.io/v1";
    public List<ResourceEncryption> Resources { get; init; } = [];
}

public sealed record ResourceEncryption
{
    [JsonPropertyName("resources")]
    public List<string> ResourceNames { get; init; } = [];
    public List<EncryptionProvider> Providers { get; init; } = [];
}

// A class with setters: System.Text.Json's extension data cannot be bound through a record's init accessors.
public sealed class EncryptionProvider
{
    public AesGcmProvider? Aesgcm { get; set; }
    public IdentityProvider? Identity { get; set; }

    /// <summary>Providers droverd does not implement (aescbc, secretbox, kms): named in the refusal.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

public sealed record AesGcmProvider
{
    public List<EncryptionKeyEntry> Keys { get; init; } = [];
}

public sealed class IdentityProvider;

public sealed record EncryptionKeyEntry
{
    public string Name { get; init; } = "";

    /// <summary>The key, base64: 16, 24 or 32 bytes.</summary>
    public string Secret { get; init; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(EncryptionConfiguration))]
internal sealed partial class EncryptionConfigurationJsonContext : JsonSerializerContext;
