using System.Collections.Concurrent;

namespace Drover.Store;

/// <summary>
/// Keeps idle read connections (with their prepared statements) for reuse; opens more under load and closes the
/// surplus on return, so bursts are served without keeping many file handles open.
/// </summary>
internal sealed class SqliteReaderPool : IDisposable
{
    private readonly ConcurrentQueue<SqliteReader> _idle = new();
    private readonly string _databasePath;
    private readonly TimeSpan _busyTimeout;
    private readonly int _maxIdle;
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteReaderPool(string databasePath, TimeSpan busyTimeout, int maxIdle)
    {
        _databasePath = databasePath;
        _busyTimeout = busyTimeout;
        _maxIdle = maxIdle;
    }

    public SqliteReader Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryDequeue(out var reader))
        {
            Interlocked.Decrement(ref _idleCount);
            return reader;
        }

        return new SqliteReader(SqliteSchema.OpenReader(_databasePath, _busyTimeout));
    }

    public void Return(SqliteReader reader)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > _maxIdle)
        {
            if (!_disposed)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            reader.Dispose();
            return;
        }

        _idle.Enqueue(reader);

        // Dispose may have drained the queue between the check and the enqueue.
        if (_disposed)
        {
            DrainIdle();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        DrainIdle();
    }

    /// <summary>Closes the idle connections (their page caches go with them); the next reads open new ones.</summary>
    public void ReleaseIdle() => DrainIdle();

    private void DrainIdle()
    {
        while (_idle.TryDequeue(out var reader))
        {
            Interlocked.Decrement(ref _idleCount);
            reader.Dispose();
        }
    }
}
