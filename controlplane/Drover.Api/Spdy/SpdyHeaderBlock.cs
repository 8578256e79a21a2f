using System.Buffers.Binary;
using System.Text;

namespace Drover.Api.Spdy;

/// <summary>
/// A SPDY/3 name/value header block before compression (§2.6.10): a 32-bit count, then each name and value with a
/// 32-bit length; names lower case, several values of one name separated by NUL. Decoding checks every length against
/// what is left and the limits here.
/// </summary>
public static class SpdyHeaderBlock
{
    /// <summary>A stream's reply carries a handful of headers (containerd's: none).</summary>
    public const int MaxHeaders = 64;

    /// <summary>The most a decompressed header block may hold.</summary>
    public const int MaxBlockBytes = 16 * 1024;

    public static byte[] Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        using var block = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)headers.Count);
        block.Write(word);
        foreach (var (name, value) in headers)
        {
            foreach (var text in (ReadOnlySpan<string>)[name.ToLowerInvariant(), value])
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteUInt32BigEndian(word, (uint)bytes.Length);
                block.Write(word);
                block.Write(bytes);
            }
        }
        return block.ToArray();
    }

    /// <summary>The pairs of a decompressed block; a <see cref="SpdyProtocolException"/> for anything malformed.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> block)
    {
        if (block.Length > MaxBlockBytes)
            throw new SpdyProtocolException($"a header block of {block.Length} bytes is larger than the limit of {MaxBlockBytes}");
        var count = ReadWord(ref block, "the header count");
        if (count > MaxHeaders)
            throw new SpdyProtocolException($"a header block of {count} headers (the limit is {MaxHeaders})");
        var headers = new List<KeyValuePair<string, string>>((int)count);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref block, "a header name");
            if (name.Length == 0)
                throw new SpdyProtocolException("a header with an empty name");
            headers.Add(new(name, ReadString(ref block, "a header value")));
        }
        if (!block.IsEmpty)
            throw new SpdyProtocolException($"{block.Length} bytes after the last header of a header block");
        return headers;
    }

    private static uint ReadWord(ref ReadOnlySpan<byte> block, string what)
    {
        if (block.Length < 4)
            throw new SpdyProtocolException($"a header block ends inside {what}");
        var value = BinaryPrimitives.ReadUInt32BigEndian(block);
        block = block[4..];
        return value;
    }

    private static string ReadString(ref ReadOnlySpan<byte> block, string what)
    {
        var length = ReadWord(ref block, $"the length of {what}");
        if (length > (uint)block.Length)
            throw new SpdyProtocolException($"{what} of {length} bytes is longer than the {block.Length} bytes left in its header block");
        // Latin-1: any byte is a character, so a peer's odd bytes become a visible name rather than an exception.
        var text = Encoding.Latin1.GetString(block[..(int)length]);
        block = block[(int)length..];
        return text;
    }
}
