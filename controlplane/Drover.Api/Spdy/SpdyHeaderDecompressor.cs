using System.Buffers.Binary;
using System.IO.Compression;

namespace Drover.Api.Spdy;

/// <summary>
/// The peer's side of SPDY/3 header compression: one zlib stream for the session, primed with
/// <see cref="SpdyDictionary"/>, each header block ending with a sync flush (Go's spdy framer flushes after every
/// block), so each frame's bytes are whole deflate blocks that may refer back into the dictionary and earlier blocks.
/// .NET's DeflateStream has no preset-dictionary API; the same effect, AOT-clean: each frame is inflated as a raw deflate
/// stream that starts with a stored block of the history (the dictionary, then all output so far, its last 32 KiB —
/// the deflate window) and ends with an empty final stored block. What comes out after the history is the header block.
/// </summary>
public sealed class SpdyHeaderDecompressor
{
    private const int WindowBytes = 32 * 1024;
    private const int ZlibHeaderBytes = 6;

    private byte[] _history = SpdyDictionary.Bytes.ToArray();
    private bool _started;

    /// <summary>The decompressed header block of one frame; a <see cref="SpdyProtocolException"/> for bad bytes or past the limit.</summary>
    public byte[] Decompress(ReadOnlySpan<byte> compressed)
    {
        if (!_started)
        {
            CheckZlibHeader(compressed);
            compressed = compressed[ZlibHeaderBytes..];
            _started = true;
        }

        var input = new byte[5 + _history.Length + compressed.Length + 5];
        input[0] = 0;                                      // a stored, non-final block holding the history
        BinaryPrimitives.WriteUInt16LittleEndian(input.AsSpan(1), (ushort)_history.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(input.AsSpan(3), (ushort)~_history.Length);
        _history.CopyTo(input, 5);
        compressed.CopyTo(input.AsSpan(5 + _history.Length));
        ReadOnlySpan<byte> final = [0x01, 0x00, 0x00, 0xFF, 0xFF];  // an empty final stored block ends the stream
        final.CopyTo(input.AsSpan(input.Length - 5));

        var limit = _history.Length + SpdyHeaderBlock.MaxBlockBytes;
        var output = new byte[limit + 1];
        var total = 0;
        try
        {
            using var inflater = new DeflateStream(new MemoryStream(input), CompressionMode.Decompress);
            int read;
            while (total < output.Length && (read = inflater.Read(output, total, output.Length - total)) > 0)
                total += read;
        }
        catch (InvalidDataException e)
        {
            throw new SpdyProtocolException($"a header block that does not inflate: {e.Message}", e);
        }
        if (total > limit)
            throw new SpdyProtocolException($"a header block that inflates past the limit of {SpdyHeaderBlock.MaxBlockBytes} bytes");
        if (total < _history.Length)
            throw new SpdyProtocolException("a header block that does not inflate: the stream ended early");

        var block = output.AsSpan(_history.Length, total - _history.Length).ToArray();
        var kept = Math.Min(WindowBytes, total);
        _history = output.AsSpan(total - kept, kept).ToArray();
        return block;
    }

    private static void CheckZlibHeader(ReadOnlySpan<byte> compressed)
    {
        if (compressed.Length < ZlibHeaderBytes)
            throw new SpdyProtocolException($"the first header block has {compressed.Length} bytes, fewer than a zlib header with a dictionary id");
        var cmf = compressed[0];
        var flg = compressed[1];
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0)
            throw new SpdyProtocolException($"the first header block does not start with a zlib deflate header (0x{cmf:x2}{flg:x2})");
        if ((flg & 0x20) == 0)
            throw new SpdyProtocolException("the first header block's zlib stream names no dictionary (SPDY/3 uses its preset one)");
        var dictionary = BinaryPrimitives.ReadUInt32BigEndian(compressed[2..]);
        if (dictionary != SpdyDictionary.Adler32)
            throw new SpdyProtocolException($"the first header block's zlib stream names dictionary 0x{dictionary:x8}, not SPDY/3's (0x{SpdyDictionary.Adler32:x8})");
    }
}
