namespace Drover.Api;

/// <summary>Builds field paths the way <see cref="ObjectDecoder"/> reports them, so decode and validation errors agree.</summary>
internal static class FieldPath
{
    /// <summary>
    /// A map entry: <c>requests.cpu</c> for a plain key, <c>requests[nvidia.com/gpu]</c> when the key has
    /// characters System.Text.Json brackets in its paths (dots, slashes, spaces, …).
    /// </summary>
    public static string Key(string path, string key)
    {
        foreach (var c in key)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
                return path + "[" + key + "]";
        return key.Length == 0 ? path + "[]" : path + "." + key;
    }
}
