namespace Drover.ControlPlane.Controllers.Framework;

/// <summary>
/// A controller's queue of keys (never objects: the handler reads the latest state from the cache), as
/// client-go's workqueue: a key queued twice is handled once; a key re-added while being handled is handled
/// again afterwards, never by two workers at once; failures are retried with per-key exponential backoff.
/// </summary>
public sealed class WorkQueue<T> : IDisposable
    where T : notnull
{
    private readonly object _gate = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly Dictionary<T, int> _failures = [];
    private readonly SemaphoreSlim _ready = new(0);
    private readonly TimeProvider _time;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    // One pending timer per key (the earliest wins), as client-go's delaying queue: a controller that asks
    // for a later look on every sync must not pile up one timer per sync.
    private readonly Dictionary<T, Delayed> _waiting = [];
    private bool _disposed;

    public WorkQueue(TimeProvider time, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(5);
        _maxDelay = maxDelay ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>Keys waiting (not counting those being handled).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _queue.Count;
        }
    }

    /// <summary>Keys waiting for their delay to pass.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
                return _waiting.Count;
        }
    }

    public void Add(T key)
    {
        lock (_gate)
            AddLocked(key);
    }

    /// <summary>Adds <paramref name="key"/> once <paramref name="delay"/> has passed; a key already waiting keeps the earlier of the two times.</summary>
    public void AddAfter(T key, TimeSpan delay)
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            if (delay <= TimeSpan.Zero)
            {
                AddLocked(key);
                return;
            }
            var due = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var pending))
            {
                if (pending.Due <= due)
                    return;
                pending.Timer?.Dispose();
            }
            var delayed = new Delayed(due);
            _waiting[key] = delayed;
            // The callback takes the lock this thread holds, so it cannot see the entry before it is complete.
            delayed.Timer = _time.CreateTimer(_ => Fire(key, delayed), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire(T key, Delayed delayed)
    {
        lock (_gate)
        {
            // A replaced timer that fired anyway must not add the key early.
            if (!_waiting.TryGetValue(key, out var current) || !ReferenceEquals(current, delayed))
                return;
            _waiting.Remove(key);
            delayed.Timer?.Dispose();
            AddLocked(key);
        }
    }

    private void AddLocked(T key)
    {
        if (_disposed || !_dirty.Add(key))
            return;
        if (_processing.Contains(key))
            return;
        _queue.Enqueue(key);
        // Released under the lock so that Dispose cannot slip in between (a timer callback would then throw).
        _ready.Release();
    }

    /// <summary>Requeues after base × 2^(failures so far), capped; the count grows until <see cref="Forget"/>.</summary>
    public void AddRateLimited(T key)
    {
        int failures;
        lock (_gate)
        {
            _failures.TryGetValue(key, out failures);
            _failures[key] = failures + 1;
        }
        var ticks = _baseDelay.Ticks * Math.Pow(2, Math.Min(failures, 40));
        AddAfter(key, ticks >= _maxDelay.Ticks ? _maxDelay : TimeSpan.FromTicks((long)ticks));
    }

    /// <summary>The key was handled successfully: its next failure starts the backoff afresh.</summary>
    public void Forget(T key)
    {
        lock (_gate)
            _failures.Remove(key);
    }

    public int Failures(T key)
    {
        lock (_gate)
            return _failures.GetValueOrDefault(key);
    }

    /// <summary>Waits for a key; the caller must call <see cref="Done"/> with it afterwards.</summary>
    public async Task<T> TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            await _ready.WaitAsync(ct).ConfigureAwait(false);
            lock (_gate)
            {
                if (_queue.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return key;
                }
            }
        }
    }

    public void Done(T key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_disposed)
            {
                _queue.Enqueue(key);
                _ready.Release();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="workers"/> loops handling keys until <paramref name="ct"/> is cancelled. A handler
    /// that throws gets its key requeued with backoff (and <paramref name="onError"/> called); one that
    /// returns resets the key's backoff. Handlers ask for a later look themselves with <see cref="AddAfter"/>.
    /// </summary>
    public Task RunAsync(int workers, Func<T, CancellationToken, Task> handle, Action<T, Exception> onError, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(onError);
        return Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(handle, onError, ct), CancellationToken.None)));
    }

    private async Task WorkAsync(Func<T, CancellationToken, Task> handle, Action<T, Exception> onError, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            T key;
            try
            {
                key = await TakeAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            try
            {
                await handle(key, ct).ConfigureAwait(false);
                Forget(key);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                onError(key, e);
                AddRateLimited(key);
            }
            finally
            {
                Done(key);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var delayed in _waiting.Values)
                delayed.Timer?.Dispose();
            _waiting.Clear();
            _ready.Dispose();
        }
    }

    private sealed class Delayed(DateTimeOffset due)
    {
        public DateTimeOffset Due { get; } = due;
        public ITimer? Timer { get; set; }
    }
}
