using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>
/// Reads and writes the encryption configuration file (JSON or YAML), checking it as kube-apiserver would: one entry for
/// secrets, aesgcm and identity providers only, every key named once and 16, 24 or 32 bytes long. Written 0600 and
/// atomically (a new file renamed over the old), so a crash leaves the old configuration or the new one, never half.
/// </summary>
internal static class EncryptionConfigFile
{
    private const int MaxBytes = 64 * 1024;
    private const int MaxKeys = 64;
    private const int MaxNameLength = 250;

    // Base64's '+' and '/' as they are, not \u002B: the file is read by people too.
    private static readonly JsonTypeInfo<EncryptionConfiguration> Writing = (JsonTypeInfo<EncryptionConfiguration>)new JsonSerializerOptions(EncryptionConfigurationJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.GetTypeInfo(typeof(EncryptionConfiguration));

    public sealed record Contents(IReadOnlyList<EncryptionKey> Keys, bool IdentityFirst, bool HasIdentity);

    public static Contents Load(string path)
    {
        string text;
        try
        {
            if (new FileInfo(path).Length > MaxBytes)
                throw Bad(path, $"is larger than {MaxBytes} bytes");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretsEncryptionException($"cannot read the encryption configuration {path}: {e.Message}", e);
        }
        EncryptionConfiguration? config;
        try
        {
            config = JsonSerializer.Deserialize(YamlToJson.ConvertSingle(text), EncryptionConfigurationJsonContext.Default.EncryptionConfiguration);
        }
        catch (Exception e) when (e is ManifestException or JsonException)
        {
            throw Bad(path, $"is not an EncryptionConfiguration: {e.Message}");
        }
        return Check(path, config ?? throw Bad(path, "is empty"));
    }

    public static Contents Check(string path, EncryptionConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Kind != "EncryptionConfiguration")
            throw Bad(path, $"kind: \"{config.Kind}\" is not EncryptionConfiguration");
        var forSecrets = config.Resources.Where(r => r.ResourceNames.Contains("secrets")).ToList();
        if (forSecrets.Count != 1)
            throw Bad(path, "must have exactly one resources[] entry naming \"secrets\"");
        var others = config.Resources.SelectMany(r => r.ResourceNames).Where(n => n != "secrets").ToList();
        if (others.Count > 0)
            throw Bad(path, $"names {string.Join(", ", others)}: droverd encrypts secrets only");
        var keys = new List<EncryptionKey>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool? identityFirst = null;
        var hasIdentity = false;
        foreach (var (provider, index) in forSecrets[0].Providers.Select((p, i) => (p, i)))
        {
            var field = $"resources[].providers[{index}]";
            if (provider.Other is { Count: > 0 } other)
                throw Bad(path, $"{field}: provider {string.Join(", ", other.Keys)} is not supported by droverd (aesgcm and identity are)");
            if ((provider.Aesgcm is null) == (provider.Identity is null))
                throw Bad(path, $"{field}: must be exactly one of aesgcm and identity");
            identityFirst ??= provider.Identity is not null;
            if (provider.Identity is not null)
            {
                hasIdentity = true;
                continue;
            }
            foreach (var (entry, k) in provider.Aesgcm!.Keys.Select((e, i) => (e, i)))
            {
                if (entry.Name.Length is 0 or > MaxNameLength)
                    throw Bad(path, $"{field}.aesgcm.keys[{k}].name: must be 1 to {MaxNameLength} characters");
                if (!names.Add(entry.Name))
                    throw Bad(path, $"{field}.aesgcm.keys[{k}].name: \"{entry.Name}\" is used twice");
                byte[] secret;
                try
                {
                    secret = Convert.FromBase64String(entry.Secret);
                }
                catch (FormatException)
                {
                    throw Bad(path, $"{field}.aesgcm.keys[{k}].secret (key \"{entry.Name}\"): not base64");
                }
                if (secret.Length is not (16 or 24 or 32))
                    throw Bad(path, $"{field}.aesgcm.keys[{k}].secret (key \"{entry.Name}\"): {secret.Length} bytes; AES-GCM takes 16, 24 or 32");
                keys.Add(new EncryptionKey(entry.Name, secret));
            }
            if (provider.Aesgcm.Keys.Count == 0)
                throw Bad(path, $"{field}.aesgcm.keys: at least one key is needed");
        }
        if (identityFirst is null)
            throw Bad(path, "lists no provider for secrets");
        if (keys.Count > MaxKeys)
            throw Bad(path, $"holds {keys.Count} keys; at most {MaxKeys}");
        return new Contents(keys, identityFirst.Value, hasIdentity);
    }

    /// <summary>The configuration droverd writes: one aesgcm provider with <paramref name="keys"/> (the first encrypts), then identity so values in clear still read.</summary>
    public static void Save(string path, IReadOnlyList<EncryptionKey> keys)
    {
        var config = new EncryptionConfiguration
        {
            Resources =
            [
                new ResourceEncryption
                {
                    ResourceNames = ["secrets"],
                    Providers =
                    [
                        new EncryptionProvider { Aesgcm = new AesGcmProvider { Keys = keys.Select(k => new EncryptionKeyEntry { Name = k.Name, Secret = Convert.ToBase64String(k.Secret) }).ToList() } },
                        new EncryptionProvider { Identity = new IdentityProvider() },
                    ],
                },
            ],
        };
        SecretFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(config, Writing));
    }

    private static SecretsEncryptionException Bad(string path, string why) => new($"the encryption configuration {path} {why}");
}
