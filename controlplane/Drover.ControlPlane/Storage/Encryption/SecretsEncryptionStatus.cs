using System.Text.Json.Serialization;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>What `droverd secrets-encrypt status` shows (and `rotate` answers): the keys, and how many Secrets are under each.</summary>
public sealed record SecretsEncryptionStatus
{
    /// <summary>New Secrets are encrypted (--secrets-encryption).</summary>
    public bool Enabled { get; init; }

    public string KeyFile { get; init; } = "";

    /// <summary>The key writes use; null when they are in clear.</summary>
    public string? WriteKey { get; init; }

    /// <summary>Every key reads may use, the write key first.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>Secrets per key name; in clear under "identity".</summary>
    public IReadOnlyDictionary<string, long> Secrets { get; init; } = new Dictionary<string, long>();

    /// <summary>For a rotation: Secrets rewritten under the new key, and the keys dropped afterwards.</summary>
    public long? Rewritten { get; init; }

    public IReadOnlyList<string>? RemovedKeys { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SecretsEncryptionStatus))]
internal sealed partial class SecretsEncryptionJsonContext : JsonSerializerContext;
