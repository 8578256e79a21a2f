using System.Globalization;
using System.Security.Cryptography;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>One AES-GCM key and the name its envelopes carry (<c>k8s:enc:aesgcm:v1:NAME:</c>).</summary>
public sealed record EncryptionKey(string Name, byte[] Secret)
{
    /// <summary>A new 256-bit key named after its creation time, as k3s names its keys (aescbckey-2021-12-21T20:05:23Z), without the colons.</summary>
    public static EncryptionKey Generate(DateTimeOffset now) =>
        new("aesgcmkey-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), RandomNumberGenerator.GetBytes(32));
}
