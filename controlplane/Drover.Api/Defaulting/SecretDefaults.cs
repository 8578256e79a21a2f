using System.Text;

namespace Drover.Api;

/// <summary>Kubernetes SetDefaults_Secret plus the registry's stringData merge.</summary>
internal static class SecretDefaults
{
    public static Secret Apply(Secret secret)
    {
        var type = string.IsNullOrEmpty(secret.Type) ? "Opaque" : secret.Type;
        if (secret.StringData is null)
            return secret with { Type = type };
        // stringData is write-only sugar: it wins over data for the same key and is never stored.
        var data = secret.Data is null
            ? new Dictionary<string, byte[]>(StringComparer.Ordinal)
            : new Dictionary<string, byte[]>(secret.Data, secret.Data.Comparer);
        foreach (var (key, value) in secret.StringData)
            data[key] = Encoding.UTF8.GetBytes(value ?? "");
        return secret with { Type = type, Data = data, StringData = null };
    }
}
