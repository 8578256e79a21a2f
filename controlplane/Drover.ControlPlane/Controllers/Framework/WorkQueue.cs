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
    private readonly List<ITimer> _timers = [];
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

    public void Add(T key)
    {
        lock (_gate)
        {
            if (_disposed || !_dirty.Add(key))
                return;
            if (_processing.Contains(key))
                return;
            _queue.Enqueue(key);
        }
        _ready.Release();
    }

    public void AddAfter(T key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_gate)
        {
            if (_disposed)
                return;
            ITimer? timer = null;
            timer = _time.CreateTimer(_ =>
            {
                lock (_gate)
                    _timers.Remove(timer!);
                timer!.Dispose();
                Add(key);
            }, null, delay, Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
        }
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
        bool again;
        lock (_gate)
        {
            _processing.Remove(key);
            again = _dirty.Contains(key) && !_disposed;
            if (again)
                _queue.Enqueue(key);
        }
        if (again)
            _ready.Release();
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
            catch (OperationCanceledException)
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
            _disposed = true;
            foreach (var timer in _timers)
                timer.Dispose();
            _timers.Clear();
        }
        _ready.Dispose();
    }
}
