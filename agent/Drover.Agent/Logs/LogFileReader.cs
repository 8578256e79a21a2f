using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Drover.Agent.Logs;

/// <summary>
/// Reads a CRI log file forward, one complete line at a time (a line still being written stays for the
/// next read). Notices a file cut short (truncated: read again from its start) and a file replaced at
/// its path (renamed away by rotation, or deleted and created anew): the old one is read to its end,
/// then the new one from its start.
/// </summary>
internal sealed class LogFileReader : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>A file line longer than this (the runtime splits at 16 KiB) is garbage: it is dropped.</summary>
    private const int MaxLineLength = 1 << 20;

    private readonly string _path;
    private readonly CriLogDecoder _decoder;
    private readonly byte[] _chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private readonly List<byte> _carry = [];
    private SafeFileHandle? _handle;
    private string? _openedTarget;
    private bool _dropping;

    public LogFileReader(string path, CriLogDecoder decoder)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(decoder);
        _path = path;
        _decoder = decoder;
    }

    /// <summary>Where the next read starts in the open file.</summary>
    public long Position { get; private set; }

    public bool IsOpen => _handle is not null;

    /// <summary>Opens the file if it exists (a container not yet started has none); false otherwise.</summary>
    public bool TryOpen()
    {
        if (_handle is not null)
            return true;
        try
        {
            _handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        _openedTarget = DescriptorTarget(_handle);
        Position = 0;
        _carry.Clear();
        _dropping = false;
        return true;
    }

    /// <summary>The open file's length now.</summary>
    public long Length => _handle is null ? 0 : RandomAccess.GetLength(_handle);

    /// <summary>Moves to where the last <paramref name="lines"/> lines before <paramref name="end"/> start (or a little earlier).</summary>
    public void SeekToTail(long lines, long end)
    {
        if (_handle is null)
            return;
        Seek(LogTail.FindStart(_handle, end, lines));
    }

    /// <summary>Reads the same file again from its start (it was truncated in place).</summary>
    public void Rewind()
    {
        Seek(0);
        _decoder.Reset();
    }

    private void Seek(long offset)
    {
        Position = offset;
        _carry.Clear();
        _dropping = false;
    }

    /// <summary>
    /// Reads complete lines from <see cref="Position"/> up to <paramref name="limit"/> (or the end) and
    /// hands each decoded container line to <paramref name="sink"/>; returns how many it handed over.
    /// </summary>
    public int Read(Action<byte[]> sink, long limit = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_handle is null)
            return 0;
        var lines = 0;
        while (Position < limit)
        {
            var want = (int)Math.Min(ChunkSize, limit - Position);
            var read = RandomAccess.Read(_handle, _chunk.AsSpan(0, want), Position);
            if (read == 0)
                break;
            Position += read;
            var data = _chunk.AsSpan(0, read);
            while (data.Length > 0)
            {
                var newline = data.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    Keep(data);
                    break;
                }

                if (_dropping)
                {
                    _dropping = false;
                }
                else if (_carry.Count > 0)
                {
                    _carry.AddRange(data[..newline]);
                    lines += Emit(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_carry), sink);
                    _carry.Clear();
                }
                else
                {
                    lines += Emit(data[..newline], sink);
                }

                data = data[(newline + 1)..];
            }
        }

        return lines;
    }

    /// <summary>The file is shorter than what was read: it was truncated in place (copytruncate rotation).</summary>
    public bool WasTruncated() => _handle is not null && Length < Position;

    /// <summary>
    /// The open file was renamed away or deleted: /proc/self/fd shows where an open descriptor points now,
    /// which tells both without inode numbers (which .NET does not expose).
    /// </summary>
    public bool WasReplaced() =>
        _handle is not null && _openedTarget is not null && DescriptorTarget(_handle) is { } now && !string.Equals(now, _openedTarget, StringComparison.Ordinal);

    private static string? DescriptorTarget(SafeFileHandle handle)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No procfs: replacement goes unnoticed, truncation still is.
            return null;
        }
    }

    /// <summary>Closes the file so that <see cref="TryOpen"/> opens whatever the path names now.</summary>
    public void Reopen()
    {
        _handle?.Dispose();
        _handle = null;
        _decoder.Reset();
        TryOpen();
    }

    private int Emit(ReadOnlySpan<byte> line, Action<byte[]> sink)
    {
        if (_decoder.Decode(line) is not { } decoded)
            return 0;
        sink(decoded);
        return 1;
    }

    private void Keep(ReadOnlySpan<byte> data)
    {
        if (_dropping)
            return;
        if (_carry.Count + data.Length > MaxLineLength)
        {
            _carry.Clear();
            _dropping = true;
            return;
        }

        _carry.AddRange(data);
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _handle = null;
        ArrayPool<byte>.Shared.Return(_chunk);
    }
}
