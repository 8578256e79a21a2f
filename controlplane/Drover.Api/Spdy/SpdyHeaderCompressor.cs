using System.Buffers.Binary;

namespace Drover.Api.Spdy;

/// <summary>
/// The client's side of SPDY/3 header compression: one zlib stream for the whole session, primed with
/// <see cref="SpdyDictionary"/>, flushed at the end of every header block. .NET's ZLibStream cannot declare a preset
/// dictionary, and the client's few header blocks (a stream type each) gain nothing from compression, so this writes
/// the zlib header that names the dictionary (FDICT and its Adler-32, which Go's zlib.NewReaderDict checks) and then
/// each block as stored (uncompressed) deflate blocks, ended as a sync flush ends it: with an empty stored block. That
/// marker matters to Go's inflater, which hands out a stored block's bytes only when it reads the next block's header;
/// without it, reading past the frame's end fails the zlib stream for good (the peer stops at the second SYN_STREAM).
/// </summary>
public sealed class SpdyHeaderCompressor
{
    private const int MaxStoredBytes = ushort.MaxValue;
    private bool _started;

    /// <summary>An empty stored block (BFINAL 0): what zlib's Z_SYNC_FLUSH and Go's Flush write at the end of each block.</summary>
    private static ReadOnlySpan<byte> SyncFlushMarker => [0x00, 0x00, 0x00, 0xFF, 0xFF];

    public byte[] Compress(ReadOnlySpan<byte> block)
    {
        using var output = new MemoryStream();
        if (!_started)
        {
            output.Write(ZlibHeader());
            _started = true;
        }
        Span<byte> head = stackalloc byte[5];
        do
        {
            var chunk = block[..Math.Min(block.Length, MaxStoredBytes)];
            head[0] = 0;                                   // BFINAL 0, BTYPE 00 (stored), padding to the byte
            BinaryPrimitives.WriteUInt16LittleEndian(head[1..], (ushort)chunk.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(head[3..], (ushort)~chunk.Length);
            output.Write(head);
            output.Write(chunk);
            block = block[chunk.Length..];
        }
        while (!block.IsEmpty);
        output.Write(SyncFlushMarker);
        return output.ToArray();
    }

    /// <summary>RFC 1950: CMF (deflate, 32 KiB window), FLG with FDICT and the check bits, then DICTID.</summary>
    internal static byte[] ZlibHeader()
    {
        const byte Cmf = 0x78;
        const int FDict = 0x20;
        var flg = FDict + (31 - (((Cmf << 8) | FDict) % 31)) % 31;
        var header = new byte[6];
        header[0] = Cmf;
        header[1] = (byte)flg;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2), SpdyDictionary.Adler32);
        return header;
    }
}
