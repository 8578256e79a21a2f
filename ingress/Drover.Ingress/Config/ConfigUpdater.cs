using System.Threading.Channels;
using Drover.Api;
using Drover.Api.Client;
using Drover.Ingress.Metrics;
using Microsoft.Extensions.Logging;

namespace Drover.Ingress.Config;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// Watches Ingresses, IngressClasses, Services, Endpoints and TLS Secrets, and on every change (bursts
/// folded within the debounce) builds a new snapshot and swaps it in. The first snapshot is published
/// only once every kind has been listed, so the proxy never serves a half-known cluster.
/// </summary>
public sealed partial class ConfigUpdater
{
    private readonly IngressOptions _options;
    private readonly ProxyConfigBuilder _builder;
    private readonly ProxyConfigSource _source;
    private readonly IngressStatusWriter _status;
    private readonly IngressMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Informer<Ingress> _ingresses;
    private readonly Informer<IngressClass> _classes;
    private readonly Informer<Service> _services;
    private readonly Informer<Endpoints> _endpoints;
    private readonly Informer<Secret> _secrets;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HashSet<string> _lastWarnings = new(StringComparer.Ordinal);
    private long _generation;

    public ConfigUpdater(DroverClient client, IngressOptions options, ProxyConfigBuilder builder, ProxyConfigSource source, IngressStatusWriter status, IngressMetrics metrics, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _builder = builder;
        _source = source;
        _status = status;
        _metrics = metrics;
        _time = time;
        _logger = loggers.CreateLogger("drover-ingress");
        var watchLogger = loggers.CreateLogger("Drover.Api.Client.Informer");
        void Changed() => _changed.Writer.TryWrite(true);
        _ingresses = new Informer<Ingress>(client, ResourceTypes.Ingresses, Changed, watchLogger, new() { Time = time });
        _classes = new Informer<IngressClass>(client, ResourceTypes.IngressClasses, Changed, watchLogger, new() { Time = time });
        _services = new Informer<Service>(client, ResourceTypes.Services, Changed, watchLogger, new() { Time = time });
        _endpoints = new Informer<Endpoints>(client, ResourceTypes.Endpoints, Changed, watchLogger, new() { Time = time });
        // Only TLS secrets: the ingress has no business with any other (and its credential may list no other).
        _secrets = new Informer<Secret>(client, ResourceTypes.Secrets, Changed, watchLogger, new() { Time = time, FieldSelector = "type=" + Tls.TlsCertificate.SecretType });
    }

    /// <summary>Completes when the first snapshot is published.</summary>
    public Task Ready => _ready.Task;

    public async Task RunAsync(CancellationToken ct)
    {
        var loops = new List<Task>
        {
            Task.Run(() => _ingresses.RunAsync(ct), ct),
            Task.Run(() => _classes.RunAsync(ct), ct),
            Task.Run(() => _services.RunAsync(ct), ct),
            Task.Run(() => _endpoints.RunAsync(ct), ct),
            Task.Run(() => _secrets.RunAsync(ct), ct),
            Task.Run(() => _status.RunAsync(ct), ct),
        };
        try
        {
            await Task.WhenAll(_ingresses.Synced, _classes.Synced, _services.Synced, _endpoints.Synced, _secrets.Synced).WaitAsync(ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                while (_changed.Reader.TryRead(out _))
                {
                }
                Rebuild();
                await _changed.Reader.WaitToReadAsync(ct).ConfigureAwait(false);
                // Fold a burst (a rollout changes Endpoints several times in a few ms) into one rebuild.
                await Task.Delay(_options.Debounce, _time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        await Task.WhenAll(loops.Select(l => l.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
    }

    private void Rebuild()
    {
        try
        {
            var objects = new ClusterObjects(
                _ingresses.Snapshot().Values,
                _services.Snapshot(),
                _endpoints.Snapshot(),
                _secrets.Snapshot(),
                _classes.Snapshot());
            var next = _builder.Build(objects, ++_generation);
            var previous = _source.Swap(next);
            _metrics.Reloads.Inc();
            _metrics.LastReload.Set(_time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
            var changes = ConfigDiff.Between(previous, next);
            if (changes.Count > 0 || previous is null)
                LogReloaded(_logger, next.Generation, next.Served.Count, next.Backends.Count, changes.Count == 0 ? "(nothing routed)" : string.Join("; ", changes));
            var warnings = next.Warnings.ToHashSet(StringComparer.Ordinal);
            foreach (var warning in warnings.Where(w => !_lastWarnings.Contains(w)))
                LogConfigWarning(_logger, warning);
            _lastWarnings = warnings;
            _status.Update(next.Served);
            _ready.TrySetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Keep serving the last good snapshot; the next change tries again.
            LogRebuildFailed(_logger, e);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "configuration {Generation}: {Ingresses} ingresses, {Backends} backends; {Changes}")]
    private static partial void LogReloaded(ILogger logger, long generation, int ingresses, int backends, string changes);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "building the configuration failed; the previous one stays in force")]
    private static partial void LogRebuildFailed(ILogger logger, Exception exception);
}
