using System.Buffers;
using System.Text.Json;

namespace Drover.Api.Tests;

/// <summary>
/// Large objects are written without ever asking a pipe or the shared array pool for a large piece (what kept ~32 MiB in
/// droverd's shared pool after a burst of 100 KiB objects), and the bytes are the same as System.Text.Json's own.
/// </summary>
public class JsonBuffersTests
{
    private static ConfigMap Map(int blobChars) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new ObjectMeta { Name = "big", Namespace = "default", Labels = new() { ["a"] = "é\"<" } },
        Data = new() { ["blob"] = new string('x', blobChars) + "ü\n\"" },
    };

    [Theory]
    [InlineData(10)]
    [InlineData(100 * 1024)]
    public void SerializeToUtf8Bytes_AnyObject_SameBytesAsSystemTextJson(int blobChars)
    {
        var map = Map(blobChars);
        var expected = JsonSerializer.SerializeToUtf8Bytes(map, ApiJsonContext.Default.ConfigMap);

        Assert.Equal(expected, JsonBuffers.SerializeToUtf8Bytes(map, ApiJsonContext.Default.ConfigMap));
        Assert.Equal(expected, ResourceTypes.ConfigMaps.SerializeToUtf8Bytes(map));
        // The thread's buffer after a large object is a fresh one, and still right.
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(Map(3), ApiJsonContext.Default.ConfigMap), ResourceTypes.ConfigMaps.SerializeToUtf8Bytes(Map(3)));
    }

    [Fact]
    public void BlockBufferWriter_LargeValueOverPipe_PipeAskedForBlocksOnlyAndGetsTheSameBytes()
    {
        var map = Map(100 * 1024);
        var pipe = new RecordingWriter();
        using (var writer = new Utf8JsonWriter(new BlockBufferWriter(pipe), ApiJson.WriterOptions))
        {
            writer.WriteStartArray();
            ResourceTypes.ConfigMaps.Serialize(writer, map);
            ResourceTypes.ConfigMaps.Serialize(writer, Map(5));
            writer.WriteEndArray();
        }

        var direct = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(direct, ApiJson.WriterOptions))
        {
            writer.WriteStartArray();
            ResourceTypes.ConfigMaps.Serialize(writer, map);
            ResourceTypes.ConfigMaps.Serialize(writer, Map(5));
            writer.WriteEndArray();
        }
        Assert.Equal(direct.WrittenSpan.ToArray(), pipe.Written.ToArray());
        Assert.InRange(pipe.LargestHint, 0, BlockBufferWriter.BlockBytes);
    }

    /// <summary>A pipe as the writer sees it: hands out blocks of at most 4 KiB (more only when asked), records the largest ask.</summary>
    private sealed class RecordingWriter : IBufferWriter<byte>
    {
        private byte[] _block = [];

        public MemoryStream Written { get; } = new();
        public int LargestHint { get; private set; }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            LargestHint = Math.Max(LargestHint, sizeHint);
            _block = new byte[Math.Max(sizeHint, BlockBufferWriter.BlockBytes)];
            return _block;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public void Advance(int count) => Written.Write(_block, 0, count);
    }
}
