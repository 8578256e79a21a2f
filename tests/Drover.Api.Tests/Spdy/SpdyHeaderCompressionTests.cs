using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Drover.Api.Spdy.Tests;

public class SpdyHeaderCompressionTests
{
    private static IReadOnlyList<KeyValuePair<string, string>> Headers(params string[] pairs) =>
        [.. pairs.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1]))];

    /// <summary>
    /// Header blocks compressed as Go's spdy framer does (zlib primed with the dictionary, a sync flush per block), made
    /// with .NET's own deflater: the dictionary is compressed and flushed first, so what follows is deflate data whose
    /// window already holds it — real back-references into the dictionary and into earlier blocks.
    /// </summary>
    private static List<byte[]> CompressLikeGo(params byte[][] blocks)
    {
        var output = new MemoryStream();
        var frames = new List<byte[]>();
        using var deflater = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true);
        deflater.Write(SpdyDictionary.Bytes);
        deflater.Flush();
        var start = output.Length;
        foreach (var block in blocks)
        {
            deflater.Write(block);
            deflater.Flush();
            frames.Add(output.ToArray()[(int)start..]);
            start = output.Length;
        }
        var header = new byte[6];
        header[0] = 0x78;
        header[1] = 0xBB;                                  // FLEVEL 2, FDICT, check bits: 0x78BB % 31 == 0
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2), SpdyDictionary.Adler32);
        frames[0] = [.. header, .. frames[0]];
        return frames;
    }

    [Fact]
    public void Dictionary_IsSpdy3s()
    {
        Assert.Equal(1423, SpdyDictionary.Bytes.Length);
        Assert.Equal(0xE3C6A7C2u, SpdyDictionary.Adler32);   // the DICTID every SPDY/3 zlib stream names
    }

    [Fact]
    public void Compressor_BlocksOfASession_DecompressInOrder()
    {
        var compressor = new SpdyHeaderCompressor();
        var decompressor = new SpdyHeaderDecompressor();
        foreach (var type in new[] { "error", "stdin", "stdout", "stderr" })
        {
            var headers = Headers("streamType", type);

            var block = decompressor.Decompress(compressor.Compress(SpdyHeaderBlock.Encode(headers)));

            Assert.Equal(Headers("streamtype", type), SpdyHeaderBlock.Decode(block));
        }
    }

    [Fact]
    public void Compressor_FirstBlock_NamesTheDictionaryInAValidZlibHeader()
    {
        var first = new SpdyHeaderCompressor().Compress([0, 0, 0, 0]);

        Assert.Equal(0, ((first[0] << 8) | first[1]) % 31);
        Assert.Equal(0x20, first[1] & 0x20);
        Assert.Equal(SpdyDictionary.Adler32, BinaryPrimitives.ReadUInt32BigEndian(first.AsSpan(2)));
        Assert.Equal(6 + 5 + 4 + 5, first.Length);      // header, one stored block's head, the 4-byte count, the sync marker
        Assert.Equal(new byte[] { 0, 0, 0, 0xFF, 0xFF }, first[^5..]);
    }

    [Fact]
    public void Compressor_BlockLargerThanAStoredBlock_SplitAndRestored()
    {
        var headers = Headers("a", new string('v', 70_000));
        var encoded = SpdyHeaderBlock.Encode(headers);
        var compressed = new SpdyHeaderCompressor().Compress(encoded);

        using var inflater = new ZLibStreamWithoutDictionaryCheck(compressed);

        Assert.Equal(encoded, inflater.Inflate());
    }

    [Fact]
    public void Decompressor_GoStyleBlocks_ResolveReferencesIntoTheDictionaryAndEarlierBlocks()
    {
        var first = SpdyHeaderBlock.Encode(Headers("content-type", "text/plain", "x-stream-protocol-version", "v4.channel.k8s.io"));
        var second = SpdyHeaderBlock.Encode(Headers("x-stream-protocol-version", "v4.channel.k8s.io"));
        var empty = SpdyHeaderBlock.Encode([]);
        var frames = CompressLikeGo(first, second, empty);
        var decompressor = new SpdyHeaderDecompressor();

        Assert.True(frames[1].Length < second.Length / 2, "the second block refers back instead of repeating itself");
        Assert.Equal(first, decompressor.Decompress(frames[0]));
        Assert.Equal(second, decompressor.Decompress(frames[1]));
        Assert.Equal(empty, decompressor.Decompress(frames[2]));
    }

    [Fact]
    public void Decompressor_BlocksFromZlibItself_Inflated()
    {
        // Python's zlib (the C library Go's peer is compatible with): compressobj(9, zdict=SPDY's dictionary), a
        // Z_SYNC_FLUSH per block — the same three blocks as above, made by another implementation.
        var frames = new[]
        {
            "78f9e3c6a7c202e50e2c850917c215409e64856e7149516a62ae2e303396e427e7e7e822d2af6099891ed01660b998a3976d51ac97990f000000ffff",
            "020a3292ae0b000000ffff",
            "020a3200000000ffff",
        };
        var decompressor = new SpdyHeaderDecompressor();

        Assert.Equal(Headers("content-type", "text/plain", "x-stream-protocol-version", "v4.channel.k8s.io"), SpdyHeaderBlock.Decode(decompressor.Decompress(Convert.FromHexString(frames[0]))));
        Assert.Equal(Headers("x-stream-protocol-version", "v4.channel.k8s.io"), SpdyHeaderBlock.Decode(decompressor.Decompress(Convert.FromHexString(frames[1]))));
        Assert.Empty(SpdyHeaderBlock.Decode(decompressor.Decompress(Convert.FromHexString(frames[2]))));
    }

    public static TheoryData<byte[], string> BadZlib => new()
    {
        { [0x78], "fewer than a zlib header" },
        { [0x79, 0xBB, 0, 0, 0, 0], "does not start with a zlib deflate header" },
        { [0x78, 0x9C, 0, 0, 0, 0], "names no dictionary" },
        { [0x78, 0xBB, 0, 0, 0, 1, 0], "names dictionary 0x00000001" },
        { [0x78, 0xBB, 0xE3, 0xC6, 0xA7, 0xC2, 0xFF, 0xFF, 0xFF], "does not inflate" },
    };

    [Theory]
    [MemberData(nameof(BadZlib))]
    public void Decompressor_Malformed_RefusedNamingWhat(byte[] compressed, string expected)
    {
        var e = Assert.Throws<SpdyProtocolException>(() => new SpdyHeaderDecompressor().Decompress(compressed));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decompressor_BlockInflatingPastTheLimit_Refused()
    {
        var bomb = CompressLikeGo(new byte[1 << 20]);

        var e = Assert.Throws<SpdyProtocolException>(() => new SpdyHeaderDecompressor().Decompress(bomb[0]));

        Assert.Contains($"past the limit of {SpdyHeaderBlock.MaxBlockBytes} bytes", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<byte[], string> BadBlocks => new()
    {
        { [0, 0], "ends inside the header count" },
        { [0, 0, 0, 65], "65 headers (the limit is 64)" },
        { [0, 0, 0, 1, 0, 0, 0, 9, 0x61], "a header name of 9 bytes is longer than the 1 bytes left" },
        { [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], "an empty name" },
        { [0, 0, 0, 1, 0, 0, 0, 1, 0x61, 0, 0], "ends inside the length of a header value" },
        { [0, 0, 0, 0, 0x61], "1 bytes after the last header" },
    };

    [Theory]
    [MemberData(nameof(BadBlocks))]
    public void HeaderBlock_Malformed_RefusedNamingWhat(byte[] block, string expected)
    {
        var e = Assert.Throws<SpdyProtocolException>(() => SpdyHeaderBlock.Decode(block));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderBlock_RoundTrip_NamesLowerCased()
    {
        var block = SpdyHeaderBlock.Encode(Headers("StreamType", "stdout", "x", "a\0b"));

        Assert.Equal(Headers("streamtype", "stdout", "x", "a\0b"), SpdyHeaderBlock.Decode(block));
        Assert.Equal(Encoding.ASCII.GetBytes("streamtype"), block[8..18]);
    }

    /// <summary>Inflates a zlib stream that names a dictionary but whose blocks are stored (no references into it).</summary>
    private sealed class ZLibStreamWithoutDictionaryCheck(byte[] zlib) : IDisposable
    {
        private readonly DeflateStream _inflater = new(new MemoryStream([.. zlib.AsSpan(6), 0x01, 0x00, 0x00, 0xFF, 0xFF]), CompressionMode.Decompress);

        public byte[] Inflate()
        {
            using var output = new MemoryStream();
            _inflater.CopyTo(output);
            return output.ToArray();
        }

        public void Dispose() => _inflater.Dispose();
    }
}
