using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Drover.Store;

/// <summary>
/// The embedded store: SQLite in WAL mode with <c>synchronous=FULL</c>, one group-committing writer thread, pooled
/// read connections, and watches fed from the revision log and then from memory.
/// </summary>
public sealed class SqliteStore : IStore
{
    private readonly FileStream _lockFile;
    private readonly SqliteWriter _writer;
    private readonly SqliteWriteLoop _loop;
    private readonly SqliteReaderPool _readers;
    private readonly WatchHub _hub;
    private readonly int _catchUpPageSize;
    private readonly int _catchUpPageBytes;
    private int _disposed;

    private SqliteStore(FileStream lockFile, SqliteWriter writer, SqliteWriteLoop loop, SqliteReaderPool readers, WatchHub hub, int catchUpPageSize, int catchUpPageBytes)
    {
        _lockFile = lockFile;
        _writer = writer;
        _loop = loop;
        _readers = readers;
        _hub = hub;
        _catchUpPageSize = catchUpPageSize;
        _catchUpPageBytes = catchUpPageBytes;
    }

    public long CurrentRevision => _loop.Revision;

    public long CompactedRevision => _loop.CompactedRevision;

    internal long CommittedBatches => _loop.CommittedBatches;

    internal int PendingWrites => _loop.PendingWrites;

    /// <summary>Opens (creating if needed) the database; an existing one resumes its revision numbering and compaction point.</summary>
    /// <exception cref="StoreException">The database is already open, in this or another process, or cannot be opened.</exception>
    public static Task<SqliteStore> OpenAsync(string databasePath, SqliteStoreOptions? options = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        options ??= new SqliteStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchBufferSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchBufferBytes, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchCatchUpPageBytes, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPooledReaders, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WatchCatchUpPageSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BusyTimeout, TimeSpan.Zero, nameof(options));
        ct.ThrowIfCancellationRequested();

        var fullPath = Path.GetFullPath(databasePath);
        var lockFile = AcquireLock(fullPath);
        SqliteWriter? writer = null;
        try
        {
            var connection = SqliteSchema.OpenWriter(fullPath, options.BusyTimeout);
            var (revision, compacted) = SqliteWriter.ReadCounters(connection);
            writer = new SqliteWriter(connection);
            var hub = new WatchHub(revision, options.WatchBufferSize, options.WatchBufferBytes);
            var loop = new SqliteWriteLoop(writer, hub, options.MaxBatchSize, revision, compacted);
            var readers = new SqliteReaderPool(fullPath, options.BusyTimeout, options.MaxPooledReaders);
            var store = new SqliteStore(lockFile, writer, loop, readers, hub, options.WatchCatchUpPageSize, options.WatchCatchUpPageBytes);
            loop.Start();
            return Task.FromResult(store);
        }
        catch (Exception exception)
        {
            writer?.Dispose();
            lockFile.Dispose();
            if (exception is SqliteException)
            {
                throw new StoreException($"Cannot open the store at '{fullPath}'.", exception);
            }

            throw;
        }
    }

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeys.ThrowIfInvalidKey(key, nameof(key));
        return Read(key, static (reader, key, _) => reader.Get(key), cancellationToken);
    }

    public Task<StoreListResult> ListAsync(string prefix, string? startAfterKey = null, int limit = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        StoreKeys.ThrowIfIllFormed(prefix, nameof(prefix));
        if (startAfterKey is not null)
        {
            StoreKeys.ThrowIfIllFormed(startAfterKey, nameof(startAfterKey));
        }

        return Read(
            (prefix, startAfterKey, limit),
            static (reader, state, token) => reader.List(state.prefix, state.startAfterKey, state.limit, token),
            cancellationToken);
    }

    public Task<long> CountAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        StoreKeys.ThrowIfIllFormed(prefix, nameof(prefix));
        return Read(prefix, static (reader, prefix, _) => reader.Count(prefix), cancellationToken);
    }

    public Task<KeyValue> CreateAsync(string key, ReadOnlyMemory<byte> value, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        StoreKeys.ThrowIfInvalidKey(key, nameof(key));
        return Enqueue(WriteOperation.Create(key, value, fence), cancellationToken);
    }

    public Task<KeyValue> UpdateAsync(string key, ReadOnlyMemory<byte> value, long expectedModRevision, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        StoreKeys.ThrowIfInvalidKey(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedModRevision);
        return Enqueue(WriteOperation.Update(key, value, expectedModRevision, fence), cancellationToken);
    }

    public Task<KeyValue> DeleteAsync(string key, long expectedModRevision = 0, StoreFence? fence = null, CancellationToken cancellationToken = default)
    {
        StoreKeys.ThrowIfInvalidKey(key, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedModRevision);
        return Enqueue(WriteOperation.Delete(key, expectedModRevision, fence), cancellationToken);
    }

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(revision);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(revision, CurrentRevision);
        return Enqueue(WriteOperation.Compact(revision), cancellationToken);
    }

    public IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        StoreKeys.ThrowIfIllFormed(prefix, nameof(prefix));
        ArgumentOutOfRangeException.ThrowIfNegative(fromRevision);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Watch(prefix, fromRevision, cancellationToken);
    }

    /// <summary>
    /// Closes the idle read connections, and with them their page caches (up to 2 MB each) and prepared statements;
    /// reads open new ones as they need them. For a process giving memory back after a burst.
    /// </summary>
    public void ReleaseMemory() => _readers.ReleaseIdle();

    /// <summary>Commits every write already queued, ends all watches, then closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _loop.StopAsync().ConfigureAwait(false);
        _hub.Complete();
        _readers.Dispose();

        // The writer closes last: as the last connection it checkpoints the WAL into the main file.
        _writer.Dispose();
        await _lockFile.DisposeAsync().ConfigureAwait(false);
    }

    internal static FileStream AcquireLock(string databasePath)
    {
        // SQLite would let a second process write too, but revisions are allocated in memory, so two writers would
        // hand out the same revision. The OS releases this lock when the process dies, even by kill -9.
        try
        {
            return new FileStream(databasePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception) when (exception is not DirectoryNotFoundException and not FileNotFoundException)
        {
            throw new StoreException($"The store at '{databasePath}' is already open.", exception);
        }
    }

    private Task<TResult> Read<TState, TResult>(TState state, Func<SqliteReader, TState, CancellationToken, TResult> read, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        // Reads are short and SQLite has no truly asynchronous I/O, so they run inline on the caller's thread.
        var reader = _readers.Rent();
        try
        {
            return Task.FromResult(read(reader, state, cancellationToken));
        }
        catch (SqliteException exception)
        {
            return Task.FromException<TResult>(new StoreException("The store could not be read.", exception));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }
        catch (Exception exception)
        {
            return Task.FromException<TResult>(exception);
        }
        finally
        {
            _readers.Return(reader);
        }
    }

    private Task<KeyValue> Enqueue(WriteOperation operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<KeyValue>(cancellationToken);
        }

        operation.RegisterCancellation(cancellationToken);
        if (!_loop.TryEnqueue(operation))
        {
            var disposed = new ObjectDisposedException(nameof(SqliteStore));
            operation.Fail(disposed);
            throw disposed;
        }

        return operation.Task;
    }

    private async IAsyncEnumerable<StoreEvent> Watch(string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var compacted = CompactedRevision;
        if (fromRevision < compacted)
        {
            throw new StoreCompactedException(compacted);
        }

        // Subscribe first: from here on every published event lands in the feed, so catching up to the revision
        // published at subscription time leaves neither a gap nor an overlap.
        var (subscription, subscribedAt) = _hub.Subscribe(prefix);
        try
        {
            var last = fromRevision;
            if (last < subscribedAt)
            {
                var page = new List<StoreEvent>(Math.Min(_catchUpPageSize, 1024));
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    page.Clear();
                    var (read, more) = TryReadLogPage(prefix, last, subscribedAt, page);
                    if (!read)
                    {
                        // Disposed while catching up: end like every other watch does.
                        yield break;
                    }

                    // The read connection is back in the pool before a slow consumer gets the events.
                    foreach (var storeEvent in page)
                    {
                        yield return storeEvent;
                    }

                    if (!more)
                    {
                        break;
                    }

                    last = page[^1].Kv.ModRevision;
                }

                last = subscribedAt;
            }

            while (await subscription.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (subscription.TryRead(out var storeEvent))
                {
                    if (storeEvent.Kv.ModRevision > last)
                    {
                        yield return storeEvent;
                    }
                }
            }
        }
        finally
        {
            _hub.Unsubscribe(subscription);
        }
    }

    /// <summary>Read: false when the store was disposed. More: the page stopped at a bound, not at the end of the log.</summary>
    private (bool Read, bool More) TryReadLogPage(string prefix, long afterRevision, long toRevision, List<StoreEvent> page)
    {
        SqliteReader reader;
        try
        {
            reader = _readers.Rent();
        }
        catch (ObjectDisposedException)
        {
            return (false, false);
        }

        try
        {
            return (true, reader.ReadLog(prefix, afterRevision, toRevision, _catchUpPageSize, _catchUpPageBytes, page));
        }
        catch (SqliteException exception)
        {
            throw new StoreException("The store's history could not be read.", exception);
        }
        finally
        {
            _readers.Return(reader);
        }
    }
}
