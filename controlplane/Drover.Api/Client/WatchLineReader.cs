using System.Buffers;
using System.Globalization;

namespace Drover.Api.Client;

/// <summary>
/// The lines of a watch stream, each within <see cref="InputLimits.MaxWatchEventBytes"/>: a server (or
/// anything in between) that never sends a newline costs a refusal naming the limit, not the client's memory.
/// </summary>
internal sealed class WatchLineReader(Stream stream, int maxLineBytes = InputLimits.MaxWatchEventBytes)
{
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly byte[] _chunk = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>The next line without its newline, or null at the end of the stream (a last unterminated line included).</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken ct)
    {
        _line.ResetWrittenCount();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_chunk, ct).ConfigureAwait(false);
                if (_end == 0)
                {
                    // Not `cond ? memory : null`: null would convert to an empty memory through byte[], never ending the loop.
                    if (_line.WrittenCount == 0)
                        return null;
                    return _line.WrittenMemory;
                }
            }
            var available = _chunk.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            var take = newline < 0 ? available : available[..newline];
            if (_line.WrittenCount + take.Length > maxLineBytes)
                throw new ApiClientException(new Status
                {
                    Code = 0,
                    Reason = "ResponseTooLarge",
                    Message = $"a watch event from droverd is longer than the limit MaxWatchEventBytes = {maxLineBytes.ToString("N0", CultureInfo.InvariantCulture)}",
                });
            _line.Write(take);
            _start += take.Length;
            if (newline >= 0)
            {
                _start++;
                return _line.WrittenMemory;
            }
        }
    }
}
