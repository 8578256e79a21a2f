using System.Globalization;
using System.Threading.Channels;
using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Events;

/// <summary>
/// The one writer of core/v1 Events for droverd's own components (scheduler, controllers), shaped like
/// client-go's recorder: the same event about the same object from the same component within
/// <see cref="AggregationWindow"/> bumps <c>count</c> and <c>lastTimestamp</c> on one Event object instead of
/// creating another, and such bumps are written at most every <see cref="RewriteInterval"/>, so a pod retried
/// in a loop costs one write per interval, not one per attempt. Recording never blocks or throws: a bounded
/// backlog is worked off by a few writers and, like client-go's broadcaster, events beyond it are dropped
/// (events are a courtesy; the state a component writes is what matters). Components take a
/// per-component <see cref="EventRecorder"/> from <see cref="ForComponent"/>.
/// </summary>
public sealed partial class EventWriter : BackgroundService
{
    public static readonly TimeSpan AggregationWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan RewriteInterval = TimeSpan.FromSeconds(10);
    private const int MaxBacklog = 1_000;
    private const int MaxRemembered = 4_096;
    private const int MaxMessageLength = 1024;
    private const int Writers = 4;

    private readonly ObjectService _objects;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _host = Environment.MachineName.ToLowerInvariant();
    private readonly Lock _gate = new();
    private readonly Dictionary<EventKey, Entry> _entries = [];
    private readonly Channel<Entry> _backlog = Channel.CreateBounded<Entry>(new BoundedChannelOptions(MaxBacklog) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _dropped;

    public EventWriter(ObjectService objects, TimeProvider time, ILogger<EventWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _time = time;
        _logger = logger;
    }

    /// <summary>A recorder whose events carry <paramref name="component"/> as source (e.g. "deployment-controller").</summary>
    public EventRecorder ForComponent(string component)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        return new EventRecorder(this, component);
    }

    /// <summary>Events not written because the backlog was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Record(string component, ObjectReference involved, string type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(involved);
        if (message.Length > MaxMessageLength)
            message = message[..MaxMessageLength];
        var now = _time.GetUtcNowSeconds();
        var key = new EventKey(component, involved.Kind ?? "", involved.Namespace ?? "", involved.Name ?? "", involved.Uid ?? "", type, reason, message);
        Entry? write = null;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry) || now - entry.Last > AggregationWindow)
            {
                Forget(now);
                entry = new Entry(key, involved, EventName(involved.Name ?? "event", now), now);
                _entries[key] = entry;
            }
            else
            {
                entry.Count++;
                entry.Last = now;
            }
            entry.Dirty = true;
            if (!entry.Writing && (!entry.Created || now - entry.LastWritten >= RewriteInterval))
            {
                entry.Writing = true;
                write = entry;
            }
        }
        if (write is not null)
            Enqueue(write);
    }

    /// <summary>Writes the backlog and, every <see cref="RewriteInterval"/>, the counts that were held back; until stopped.</summary>
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var writers = new Task[Writers + 1];
        for (var i = 0; i < Writers; i++)
            writers[i] = WriteLoopAsync(ct);
        writers[Writers] = FlushLoopAsync(ct);
        await Task.WhenAll(writers).ConfigureAwait(false);
    }

    private async Task FlushLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RewriteInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                List<Entry> due = [];
                var now = _time.GetUtcNowSeconds();
                lock (_gate)
                {
                    foreach (var entry in _entries.Values)
                    {
                        if (entry.Dirty && !entry.Writing && now - entry.LastWritten >= RewriteInterval)
                        {
                            entry.Writing = true;
                            due.Add(entry);
                        }
                    }
                }
                foreach (var entry in due)
                    Enqueue(entry);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var entry in _backlog.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                await WriteAsync(entry, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Enqueue(Entry entry)
    {
        if (_backlog.Writer.TryWrite(entry))
            return;
        lock (_gate)
        {
            entry.Writing = false;
            // An event never written is dropped for good; one already written keeps its count for a later flush.
            if (!entry.Created && _entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
                _entries.Remove(entry.Key);
        }
        if (Interlocked.Increment(ref _dropped) % 100 == 1)
            LogDropped(_logger, entry.Key.Component, Dropped);
    }

    private async Task WriteAsync(Entry entry, CancellationToken ct)
    {
        Event ev;
        bool created;
        lock (_gate)
        {
            ev = entry.ToEvent(_host);
            created = entry.Created;
            entry.Dirty = false;
        }
        try
        {
            if (created)
            {
                // No resourceVersion: this component is the only writer of its events, the latest count wins.
                await _objects.UpdateAsync(ResourceTypes.Events, ev, statusOnly: false, ct).ConfigureAwait(false);
            }
            else
            {
                await _objects.CreateAsync(ResourceTypes.Events, ev, ct).ConfigureAwait(false);
            }
            lock (_gate)
            {
                entry.Created = true;
                entry.LastWritten = _time.GetUtcNowSeconds();
            }
        }
        catch (ApiException e) when (e.Status.Code is 404 or 409)
        {
            // 404: the event (or its namespace) went away; 409: it exists already. Either way the next
            // flush writes the other verb.
            lock (_gate)
            {
                entry.Created = e.Status.Code == 409;
                entry.Dirty = e.Status.Code == 409 || entry.Dirty;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogWriteFailed(_logger, e, entry.Key.Component, entry.Key.Reason, entry.Key.Name);
        }
        finally
        {
            lock (_gate)
                entry.Writing = false;
        }
    }

    /// <summary>Keeps the memory bounded: entries past their window go first, everything if that is not enough.</summary>
    private void Forget(DateTimeOffset now)
    {
        if (_entries.Count < MaxRemembered)
            return;
        foreach (var (key, entry) in _entries.ToList())
        {
            if (!entry.Writing && (now - entry.Last > AggregationWindow || !entry.Dirty))
                _entries.Remove(key);
        }
        if (_entries.Count >= MaxRemembered)
            _entries.Clear();
    }

    /// <summary>client-go's naming: the object's name, a dot, and the time in hex (made unique per process).</summary>
    private static string EventName(string involvedName, DateTimeOffset now)
    {
        var suffix = "." + (now.UtcTicks + Interlocked.Increment(ref s_sequence)).ToString("x", CultureInfo.InvariantCulture);
        const int MaxName = 253;
        return (involvedName.Length + suffix.Length > MaxName ? involvedName[..(MaxName - suffix.Length)].TrimEnd('.', '-') : involvedName) + suffix;
    }

    private static long s_sequence;

    private readonly record struct EventKey(string Component, string Kind, string Namespace, string Name, string Uid, string Type, string Reason, string Message);

    private sealed class Entry(EventKey key, ObjectReference involved, string name, DateTimeOffset first)
    {
        public EventKey Key { get; } = key;
        public DateTimeOffset First { get; } = first;
        public int Count { get; set; } = 1;
        public DateTimeOffset Last { get; set; } = first;
        public DateTimeOffset LastWritten { get; set; } = DateTimeOffset.MinValue;
        public bool Created { get; set; }
        public bool Writing { get; set; }
        public bool Dirty { get; set; }

        public Event ToEvent(string host) => new()
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new ObjectMeta { Name = name, Namespace = string.IsNullOrEmpty(involved.Namespace) ? "default" : involved.Namespace },
            InvolvedObject = involved,
            Reason = Key.Reason,
            Message = Key.Message,
            Type = Key.Type,
            Source = new EventSource { Component = Key.Component },
            FirstTimestamp = First,
            LastTimestamp = Last,
            Count = Count,
            ReportingComponent = Key.Component,
            ReportingInstance = Key.Component + "-" + host,
        };
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "{Component}: event backlog full, {Dropped} events dropped so far")]
    private static partial void LogDropped(ILogger logger, string component, long dropped);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "{Component}: writing the {Reason} event about {Name} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string component, string reason, string name);
}
