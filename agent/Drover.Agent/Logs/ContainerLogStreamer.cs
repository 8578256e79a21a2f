using System.Buffers;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Logs;

/// <summary>
/// Writes a container's log lines to a caller: all of them or the last N, then, when following, new ones
/// as the container writes them (the file is polled: cheap, and it works on every filesystem). Following
/// ends when the caller goes away or when the container has exited and everything it wrote was sent.
/// sinceSeconds/sinceTime drop older lines (<see cref="CriLogDecoder.Since"/>); limitBytes ends the stream once that
/// many bytes are sent, following or not, cutting the last line as the kubelet's LimitedWriter does.
/// </summary>
internal sealed partial class ContainerLogStreamer
{
    /// <summary>Bytes gathered before they are written out (a whole file is never held in memory).</summary>
    private const int BatchSize = 64 * 1024;

    private readonly ContainerLogLocator _locator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ContainerLogStreamer(ContainerLogLocator locator, TimeProvider time, ILogger<ContainerLogStreamer> logger)
    {
        ArgumentNullException.ThrowIfNull(locator);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _locator = locator;
        _time = time;
        _logger = logger;
    }

    /// <summary>How often a followed file is checked for new lines.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a followed container is asked whether it still runs.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(1);

    public async Task StreamAsync(ContainerLogRequest request, ContainerLogLocation location, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(write);
        if (request.LimitBytes is not { } limit)
        {
            await StreamCoreAsync(request, location, write, ct).ConfigureAwait(false);
            return;
        }
        using var reached = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await StreamCoreAsync(request, location, new ByteLimit(limit, write, reached).WriteAsync, reached.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (reached.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // limitBytes sent: the stream ends here, as the kubelet's does.
        }
    }

    private async Task StreamCoreAsync(ContainerLogRequest request, ContainerLogLocation location, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken ct)
    {
        var since = request.SinceTime ?? (request.SinceSeconds is { } seconds ? _time.GetUtcNow().AddSeconds(-seconds) : null);
        var decoder = new CriLogDecoder(request.Timestamps, since);
        using var reader = new LogFileReader(location.LogPath, decoder);
        var batch = new ArrayBufferWriter<byte>(BatchSize);
        if (reader.TryOpen())
        {
            // What is in the file now; lines written while this is sent come with following, not before.
            var end = reader.Length;
            if (request.TailLines is { } tail)
            {
                reader.SeekToTail(tail, end);
                var last = new Queue<byte[]>();
                reader.Read(line => { last.Enqueue(line); if (last.Count > tail) last.Dequeue(); }, end);
                foreach (var line in last)
                {
                    batch.Write(line);
                    if (batch.WrittenCount >= BatchSize)
                        await FlushAsync(batch, write, ct).ConfigureAwait(false);
                }
            }
            else
            {
                while (reader.Position < end)
                {
                    reader.Read(line => batch.Write(line), Math.Min(end, reader.Position + BatchSize));
                    await FlushAsync(batch, write, ct).ConfigureAwait(false);
                }
            }

            await FlushAsync(batch, write, ct).ConfigureAwait(false);
        }

        if (request.Follow)
            await FollowAsync(reader, location, batch, write, ct).ConfigureAwait(false);
    }

    private async Task FollowAsync(LogFileReader reader, ContainerLogLocation location, ArrayBufferWriter<byte> batch, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken ct)
    {
        var active = true;
        var lastCheck = _time.GetTimestamp();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (reader.TryOpen())
            {
                var start = reader.Position;
                reader.Read(line => batch.Write(line), reader.Position + BatchSize);
                if (batch.WrittenCount > 0)
                    await FlushAsync(batch, write, ct).ConfigureAwait(false);
                if (reader.Position != start)
                    continue;
                if (reader.WasTruncated())
                {
                    Log.Truncated(_logger, location.LogPath);
                    reader.Rewind();
                    continue;
                }

                if (reader.WasReplaced())
                {
                    // Everything the old file held was read above; the runtime writes to the new one now.
                    Log.Replaced(_logger, location.LogPath);
                    reader.Reopen();
                    continue;
                }
            }

            if (!active)
                return;
            if (_time.GetElapsedTime(lastCheck) >= StatusInterval)
            {
                lastCheck = _time.GetTimestamp();
                try
                {
                    // Once it has exited, one more pass reads what it wrote last; then the stream ends.
                    active = await _locator.IsActiveAsync(location.ContainerId, ct).ConfigureAwait(false);
                    if (!active)
                        continue;
                }
                catch (Cri.CriException e)
                {
                    // containerd away for a moment: keep following, ask again next time.
                    Log.StatusFailed(_logger, location.ContainerId, e.Message);
                }
            }

            await Task.Delay(PollInterval, _time, ct).ConfigureAwait(false);
        }
    }

    private static async ValueTask FlushAsync(ArrayBufferWriter<byte> batch, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken ct)
    {
        if (batch.WrittenCount == 0)
            return;
        await write(batch.WrittenMemory, ct).ConfigureAwait(false);
        batch.ResetWrittenCount();
    }

    /// <summary>Passes on at most a number of bytes, then ends the stream by cancelling <paramref name="reached"/>.</summary>
    private sealed class ByteLimit(long limit, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationTokenSource reached)
    {
        private long _left = limit;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
        {
            var count = (int)Math.Min(bytes.Length, _left);
            if (count > 0)
                await write(bytes[..count], ct).ConfigureAwait(false);
            _left -= count;
            if (_left == 0)
                await reached.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "log file {Path} was truncated; following it from its start")]
        public static partial void Truncated(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Information, Message = "log file {Path} was replaced; following the new one")]
        public static partial void Replaced(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Warning, Message = "cannot ask the runtime about container {ContainerId} while following its log: {Error}")]
        public static partial void StatusFailed(ILogger logger, string containerId, string error);
    }
}
