using System.Buffers;

namespace Drover.Api;

/// <summary>
/// A <see cref="Utf8JsonWriter"/>'s output over a pipe (a Kestrel response) that never asks the pipe for a piece larger
/// than its blocks. A pipe serves a larger request from <see cref="ArrayPool{T}.Shared"/>, and the writer asks for three
/// times a string's length at once: every 100 KiB value written became a 512 KiB array the shared pool then kept
/// (<see cref="JsonBuffers"/>). A request above <see cref="BlockBytes"/> is served from an array of this writer's own and
/// copied into the pipe's blocks when the writer advances; that array is kept only while small.
/// </summary>
public sealed class BlockBufferWriter : IBufferWriter<byte>
{
    /// <summary>Kestrel's memory pool block: a pipe serves requests up to this size from its own pool.</summary>
    public const int BlockBytes = 4096;

    private readonly IBufferWriter<byte> _pipe;
    private byte[]? _staging;
    private bool _staged;

    public BlockBufferWriter(IBufferWriter<byte> pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        _pipe = pipe;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (sizeHint <= BlockBytes)
        {
            _staged = false;
            return _pipe.GetMemory(sizeHint);
        }
        if (_staging is null || _staging.Length < sizeHint)
            _staging = new byte[sizeHint];
        _staged = true;
        return _staging;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Advance(int count)
    {
        if (!_staged)
        {
            _pipe.Advance(count);
            return;
        }
        _staged = false;
        JsonBuffers.CopyTo(_pipe, _staging.AsSpan(0, count));
        if (_staging!.Length > JsonBuffers.KeptBytes)
            _staging = null;
    }
}
