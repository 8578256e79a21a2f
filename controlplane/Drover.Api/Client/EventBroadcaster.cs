using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Drover.Api.Client;

/// <summary>
/// The one event recorder of the project (client-go's EventBroadcaster with its EventCorrelator), under droverd's
/// components (through its registry) and the agent (through the API): the same event about the same object from the same component within
/// <see cref="AggregationWindow"/> bumps <c>count</c> and <c>lastTimestamp</c> on one Event object instead of
/// creating another, and such bumps are written at most every <see cref="RewriteInterval"/>, so a pod retried
/// in a loop costs one write per interval, not one per attempt. Recording never blocks or throws: a bounded
/// backlog is worked off by a few writers and, like client-go's broadcaster, events beyond it are dropped
/// (events are a courtesy; the state a component writes is what matters).
/// </summary>
public sealed partial class EventBroadcaster
{
    public static readonly TimeSpan AggregationWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan RewriteInterval = TimeSpan.FromSeconds(10);
    private const int MaxRemembered = 4_096;
    private const int MaxMessageLength = 1024;

    private readonly IEventSink _sink;
    private readonly EventBroadcasterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<EventKey, Entry> _entries = [];
    private readonly Channel<Entry> _backlog;
    private long _dropped;

    public EventBroadcaster(IEventSink sink, EventBroadcasterOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _sink = sink;
        _options = options;
        _time = time;
        _logger = logger;
        _backlog = Channel.CreateBounded<Entry>(new BoundedChannelOptions(options.MaxBacklog) { FullMode = BoundedChannelFullMode.DropWrite });
    }

    /// <summary>Events not written because the backlog was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Records one occurrence: never blocks, never throws for the API's sake. <paramref name="component"/> is the
    /// source (e.g. "deployment-controller", "kubelet"); the same event about the same object within the window
    /// counts up on one Event.
    /// </summary>
    public void Record(string component, ObjectReference involved, string type, string reason, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        ArgumentNullException.ThrowIfNull(involved);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length > MaxMessageLength)
            message = message[..MaxMessageLength];
        var now = _time.GetUtcNowSeconds();
        var key = new EventKey(component, involved.Kind ?? "", involved.Namespace ?? "", involved.Name ?? "", involved.Uid ?? "", involved.FieldPath ?? "", type, reason, message);
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
    public async Task RunAsync(CancellationToken ct)
    {
        var writers = new Task[_options.Writers + 1];
        for (var i = 0; i < _options.Writers; i++)
            writers[i] = WriteLoopAsync(ct);
        writers[_options.Writers] = FlushLoopAsync(ct);
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
            ev = entry.ToEvent(_options.SourceHost, _options.ReportingInstance(entry.Key.Component));
            created = entry.Created;
            entry.Dirty = false;
        }
        try
        {
            if (created)
            {
                // No resourceVersion: this component is the only writer of its events, the latest count wins.
                await _sink.UpdateAsync(ev, ct).ConfigureAwait(false);
            }
            else
            {
                await _sink.CreateAsync(ev, ct).ConfigureAwait(false);
            }
            lock (_gate)
            {
                entry.Created = true;
                entry.LastWritten = _time.GetUtcNowSeconds();
            }
        }
        catch (Exception e) when (StatusCode(e) is 404 or 409)
        {
            // 404: the event (or its namespace) went away; 409: it exists already. Either way the next
            // flush writes the other verb.
            var exists = StatusCode(e) == 409;
            lock (_gate)
            {
                entry.Created = exists;
                entry.Dirty = exists || entry.Dirty;
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

    private static int StatusCode(Exception e) => e switch
    {
        ApiException api => api.Status.Code,
        ApiClientException client => client.Code,
        _ => 0,
    };

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

    private readonly record struct EventKey(string Component, string Kind, string Namespace, string Name, string Uid, string FieldPath, string Type, string Reason, string Message);

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

        public Event ToEvent(string? sourceHost, string reportingInstance) => new()
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new ObjectMeta { Name = name, Namespace = string.IsNullOrEmpty(involved.Namespace) ? "default" : involved.Namespace },
            InvolvedObject = involved,
            Reason = Key.Reason,
            Message = Key.Message,
            Type = Key.Type,
            Source = new EventSource { Component = Key.Component, Host = sourceHost },
            FirstTimestamp = First,
            LastTimestamp = Last,
            Count = Count,
            ReportingComponent = Key.Component,
            ReportingInstance = reportingInstance,
        };
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "{Component}: event backlog full, {Dropped} events dropped so far")]
    private static partial void LogDropped(ILogger logger, string component, long dropped);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "{Component}: writing the {Reason} event about {Name} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string component, string reason, string name);
}
