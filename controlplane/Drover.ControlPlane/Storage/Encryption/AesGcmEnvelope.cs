using System.Security.Cryptography;
using System.Text;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>
/// The stored form of an encrypted value, as Kubernetes' aesgcm provider writes it: <c>k8s:enc:aesgcm:v1:NAME:</c>,
/// then a random 12-byte nonce, the ciphertext and the 16-byte tag. The store key is the additional authenticated data,
/// so a value copied to another key (another Secret's) does not open there.
/// </summary>
internal static class AesGcmEnvelope
{
    public const string Marker = "k8s:enc:";
    public const string Prefix = "k8s:enc:aesgcm:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Header(string keyName) => Encoding.UTF8.GetBytes(Prefix + keyName + ":");

    public static bool IsEncrypted(ReadOnlySpan<byte> stored) => stored.StartsWith("k8s:enc:"u8);

    /// <summary><paramref name="header"/> (from <see cref="Header"/>), nonce, ciphertext, tag. A fresh nonce every call.</summary>
    public static byte[] Seal(byte[] header, byte[] key, ReadOnlySpan<byte> plaintext, string storeKey)
    {
        var output = new byte[header.Length + NonceSize + plaintext.Length + TagSize];
        header.CopyTo(output, 0);
        var nonce = output.AsSpan(header.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        // One instance per call: AesGcm is not safe to share between threads, and setting it up costs about a microsecond.
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(header.Length + NonceSize, plaintext.Length), output.AsSpan(output.Length - TagSize), Encoding.UTF8.GetBytes(storeKey));
        return output;
    }

    /// <summary>The plaintext of <paramref name="stored"/> (which starts with <paramref name="header"/>), or null when the key or the store key is not the one it was sealed with, or it was altered.</summary>
    public static byte[]? Open(byte[] header, byte[] key, ReadOnlySpan<byte> stored, string storeKey)
    {
        if (stored.Length < header.Length + NonceSize + TagSize)
            return null;
        var body = stored[header.Length..];
        var plaintext = new byte[body.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(body[..NonceSize], body.Slice(NonceSize, plaintext.Length), body[^TagSize..], plaintext, Encoding.UTF8.GetBytes(storeKey));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>The provider and key name an envelope names (k8s:enc:PROVIDER:v1:NAME:…), for messages about a value no configured key opens.</summary>
    public static string Describe(ReadOnlySpan<byte> stored)
    {
        var fields = new List<string>();
        var rest = stored[..Math.Min(stored.Length, 300)];
        while (fields.Count < 5 && rest.IndexOf((byte)':') is var colon and >= 0)
        {
            fields.Add(Encoding.UTF8.GetString(rest[..colon]));
            rest = rest[(colon + 1)..];
        }
        return fields.Count == 5 ? $"{fields[2]} key \"{fields[4]}\"" : "an unreadable envelope";
    }
}
