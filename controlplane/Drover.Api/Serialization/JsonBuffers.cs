using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Drover.Api;

/// <summary>
/// Serializes into a buffer of the calling thread's own, kept between calls only while it is small. System.Text.Json's
/// <c>SerializeToUtf8Bytes</c> and a <see cref="Utf8JsonWriter"/> over a Kestrel response pipe both take their buffers
/// from <see cref="ArrayPool{T}.Shared"/>, and writing one 100 KiB string asks for three times its length in one piece
/// (the UTF-16 to UTF-8 worst case): 512 KiB arrays, which the shared pool keeps (up to 32 per core and size) and lets go
/// of one at a time over many minutes of full collections. After a burst of large objects that was 32 of the ~40 MiB
/// droverd kept (docs/BENCHMARKS.md, "Memory that comes back"). Here the buffer for a large object is ordinary garbage,
/// gone with the next full collection; <see cref="BlockBufferWriter"/> does the same for writers over a pipe.
/// </summary>
public static class JsonBuffers
{
    /// <summary>A thread keeps its buffer up to this size: a pod and most objects fit; a larger one grows a new buffer.</summary>
    public const int KeptBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>What <see cref="JsonSerializer.SerializeToUtf8Bytes{TValue}(TValue, JsonTypeInfo{TValue})"/> gives, without the shared pool.</summary>
    public static byte[] SerializeToUtf8Bytes<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var buffer = Take();
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptionsOf(typeInfo.Options)))
                JsonSerializer.Serialize(writer, value, typeInfo);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            Give(buffer);
        }
    }

    /// <summary>Copies <paramref name="bytes"/> into <paramref name="output"/> block by block, as large as it offers them.</summary>
    public static void CopyTo(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(output);
        while (!bytes.IsEmpty)
        {
            var span = output.GetSpan();
            var n = Math.Min(span.Length, bytes.Length);
            bytes[..n].CopyTo(span);
            output.Advance(n);
            bytes = bytes[n..];
        }
    }

    private static JsonWriterOptions WriterOptionsOf(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
        SkipValidation = true,
    };

    // Taken, not borrowed: a nested call on the same thread (a converter serializing) gets a buffer of its own.
    private static ArrayBufferWriter<byte> Take()
    {
        var buffer = t_buffer;
        t_buffer = null;
        return buffer ?? new ArrayBufferWriter<byte>(4096);
    }

    private static void Give(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > KeptBytes)
            return;
        buffer.ResetWrittenCount();
        t_buffer = buffer;
    }
}
