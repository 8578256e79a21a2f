using System.Globalization;

namespace Drover.Api;

/// <summary>
/// A file from outside (a manifest, a config, a checkpoint) read within a byte limit and as strict UTF-8:
/// a bad byte is refused with its offset instead of becoming U+FFFD and being applied as such.
/// </summary>
public static class InputFiles
{
    /// <summary>The bytes of <paramref name="path"/>; <see cref="ManifestException"/> naming the limit when larger.</summary>
    public static byte[] ReadBytes(string path, int maxBytes, string limitName)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length > maxBytes)
            throw ManifestException.LimitExceeded(limitName,
                $"the file is {stream.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes, over the limit {limitName} = {maxBytes.ToString("N0", CultureInfo.InvariantCulture)}", tooLarge: true);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The text of <paramref name="path"/>, strict UTF-8, a byte-order mark dropped.</summary>
    public static string ReadText(string path, int maxBytes, string limitName) => Decode(ReadBytes(path, maxBytes, limitName));

    /// <summary>Strict UTF-8 to text, a byte-order mark dropped; <see cref="ManifestException"/> naming the first bad byte.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (JsonInput.FirstInvalidUtf8(bytes) is var bad and >= 0)
            throw new ManifestException($"not valid UTF-8 (first bad byte at offset {bad})");
        if (bytes.StartsWith("\uFEFF"u8))
            bytes = bytes[3..];
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
