using System.Buffers.Text;
using System.Text;
using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry;

/// <summary>The opaque LIST continue token: the store key of the last item served, base64url-encoded.</summary>
internal static class ContinueTokens
{
    public static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The key to continue after, null for none; anything this server did not hand out for this collection
    /// (<paramref name="prefix"/>) is 400: strict UTF-8, no control characters (a NUL in one was a 500).
    /// </summary>
    public static string? Decode(string? token, string prefix)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        try
        {
            var key = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.AsSpan().ContainsAnyInRange('\0', '\u001f'))
                throw new FormatException();
            return key;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new ApiException(ApiErrors.BadRequest($"continue: Invalid value: \"{token}\": not a continue token from this server"));
        }
    }
}
