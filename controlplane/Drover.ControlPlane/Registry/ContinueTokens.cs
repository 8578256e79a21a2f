using System.Buffers.Text;
using System.Text;
using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry;

/// <summary>The opaque LIST continue token: the store key of the last item served, base64url-encoded.</summary>
internal static class ContinueTokens
{
    public static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    /// <summary>The key to continue after, null for none; anything this server did not hand out is 400.</summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (!key.StartsWith(StoreKeys.Root, StringComparison.Ordinal))
                throw new FormatException();
            return key;
        }
        catch (FormatException)
        {
            throw new ApiException(ApiErrors.BadRequest($"continue: Invalid value: \"{token}\": not a continue token from this server"));
        }
    }
}
