using System.Threading.Channels;

namespace Drover.Store;

/// <summary>
/// The one writer: group commit. It takes whatever is queued (up to the batch size) into one transaction, so the
/// cost of the fsync is shared by every write that arrived while the previous commit was in flight. Runs on its own
/// thread because SQLite calls block, and a blocked thread-pool thread on a small machine would stall everything else.
/// </summary>
internal sealed class SqliteWriteLoop
{
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SqliteWriter _writer;
    private readonly WatchHub _hub;
    private readonly int _maxBatchSize;
    private readonly List<WriteOperation> _batch;
    private readonly KeyValue?[] _results;
    private readonly Exception?[] _errors;
    private readonly List<StoreEvent> _events = [];
    private long _revision;
    private long _compactedRevision;
    private long _committedBatches;
    private int _pendingWrites;

    public SqliteWriteLoop(SqliteWriter writer, WatchHub hub, int maxBatchSize, long revision, long compactedRevision)
    {
        _writer = writer;
        _hub = hub;
        _maxBatchSize = maxBatchSize;
        _batch = new List<WriteOperation>(maxBatchSize);
        _results = new KeyValue?[maxBatchSize];
        _errors = new Exception?[maxBatchSize];
        _revision = revision;
        _compactedRevision = compactedRevision;
    }

    public long Revision => Volatile.Read(ref _revision);

    public long CompactedRevision => Volatile.Read(ref _compactedRevision);

    /// <summary>Transactions committed so far; lets tests see how operations were grouped.</summary>
    public long CommittedBatches => Volatile.Read(ref _committedBatches);

    /// <summary>Operations queued and not yet taken by the writer; lets tests line up a batch.</summary>
    public int PendingWrites => Volatile.Read(ref _pendingWrites);

    public void Start()
    {
        var thread = new Thread(Run)
        {
            IsBackground = true,
            Name = "Drover.Store writer",
        };
        thread.Start();
    }

    public bool TryEnqueue(WriteOperation operation)
    {
        // Counted before the write so the writer's decrement can never run first and dip below zero.
        Interlocked.Increment(ref _pendingWrites);
        if (_queue.Writer.TryWrite(operation))
        {
            return true;
        }

        Interlocked.Decrement(ref _pendingWrites);
        return false;
    }

    /// <summary>Stops accepting writes; the returned task completes once everything already queued is committed or failed.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _stopped.Task;
    }

    private void Run()
    {
        try
        {
            var reader = _queue.Reader;
            while (WaitToRead(reader))
            {
                while (_batch.Count < _maxBatchSize && reader.TryRead(out var operation))
                {
                    Interlocked.Decrement(ref _pendingWrites);
                    if (operation.TryClaim())
                    {
                        _batch.Add(operation);
                    }
                }

                if (_batch.Count > 0)
                {
                    ProcessBatch();
                    _batch.Clear();
                }
            }
        }
        finally
        {
            // Normally the queue is already closed and empty here; if the loop died instead, no caller may hang.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var orphan))
            {
                orphan.Fail(new StoreException("The store's writer stopped; the write was not applied."));
            }

            _stopped.TrySetResult();
        }
    }

    private static bool WaitToRead(ChannelReader<WriteOperation> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void ProcessBatch()
    {
        var revision = _revision;
        var compacted = _compactedRevision;
        try
        {
            _writer.Begin();
            for (var i = 0; i < _batch.Count; i++)
            {
                var operation = _batch[i];
                try
                {
                    if (operation.Kind == WriteOperationKind.Compact)
                    {
                        // Compacting to an older point than already done is a no-op, as repeated compactions race.
                        if (operation.Revision > compacted)
                        {
                            _writer.Apply(operation, ref revision, _events);
                            compacted = operation.Revision;
                        }

                        _results[i] = WriteOperation.NoResult;
                    }
                    else
                    {
                        _results[i] = _writer.Apply(operation, ref revision, _events);
                    }
                }
                catch (StoreException exception)
                {
                    // Detected before anything was written, so the rest of the batch goes on.
                    _errors[i] = exception;
                }
            }

            if (revision != _revision)
            {
                _writer.SaveRevision(revision);
            }

            _writer.Commit();
        }
        catch (Exception exception)
        {
            _writer.Rollback();
            _events.Clear();
            for (var i = 0; i < _batch.Count; i++)
            {
                _results[i] = null;
                _errors[i] = null;
                _batch[i].Fail(new StoreException("The write could not be committed; it was not applied.", exception));
            }

            return;
        }

        Volatile.Write(ref _revision, revision);
        Volatile.Write(ref _compactedRevision, compacted);
        Interlocked.Increment(ref _committedBatches);

        // Watchers hear about a write before its caller does, so a caller that watches after its own write sees it.
        if (_events.Count > 0)
        {
            _hub.Publish(_events, revision);
            _events.Clear();
        }

        for (var i = 0; i < _batch.Count; i++)
        {
            if (_errors[i] is { } error)
            {
                _batch[i].Fail(error);
            }
            else
            {
                _batch[i].Succeed(_results[i]!);
            }

            _results[i] = null;
            _errors[i] = null;
        }
    }
}
