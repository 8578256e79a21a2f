using Drover.Agent.Configuration;
using Drover.Agent.Node;
using Drover.Agent.Pods;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace Drover.Agent.Systemd;

/// <summary>
/// The agent's D-Bus side: one system-bus connection shared by the logind drain (<see cref="ShutdownInhibitor"/>)
/// and the runtime unit's state (<see cref="RuntimeUnitMonitor"/>). Everything here is optional: no bus, no
/// logind or no systemd on it is one warning each, and the agent runs its pods as before.
/// </summary>
internal sealed partial class SystemdIntegration : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxUnitInterval = TimeSpan.FromSeconds(10);

    private readonly DBusConnection? _connection;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private ShutdownInhibitor? _inhibitor;

    private SystemdIntegration(DBusConnection? connection, RuntimeUnitMonitor unit, ILoggerFactory loggers)
    {
        _connection = connection;
        RuntimeUnit = unit;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SystemdIntegration>();
    }

    public RuntimeUnitMonitor RuntimeUnit { get; }

    /// <summary>The inhibitor, once logind granted a lock (tests and metrics); null without one.</summary>
    public ShutdownInhibitor? Inhibitor => _inhibitor;

    /// <summary>Connects to the bus --dbus-address names; never throws for a missing bus (logs one warning instead).</summary>
    public static async Task<SystemdIntegration> ConnectAsync(AgentOptions options, ILoggerFactory loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger<SystemdIntegration>();
        var interval = options.LeaseInterval < MaxUnitInterval ? options.LeaseInterval : MaxUnitInterval;
        var address = options.DBusAddress is { } option ? SystemBus.Resolve(option) : null;
        if (address is null)
        {
            LogOff(logger);
            return new SystemdIntegration(null, new RuntimeUnitMonitor(null, UnitState.Unknown(options.RuntimeUnit, "off"), interval, TimeProvider.System, logger), loggers) { Off = true };
        }

        DBusConnection? connection = null;
        UnitState initial;
        try
        {
            connection = await SystemBus.ConnectAsync(address, ConnectTimeout, ct).ConfigureAwait(false);
            initial = UnitState.Unknown(options.RuntimeUnit, "not read yet");
        }
        catch (SystemdException e)
        {
            LogNoBus(logger, e.Message);
            initial = UnitState.Unknown(options.RuntimeUnit, "no system bus");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped while connecting: the agent is on its way out, nothing to warn about.
            initial = UnitState.Unknown(options.RuntimeUnit, "stopping");
        }

        var manager = connection is null ? null : new SystemdManagerClient(connection);
        return new SystemdIntegration(connection, new RuntimeUnitMonitor(manager, initial, interval, TimeProvider.System, loggers.CreateLogger<RuntimeUnitMonitor>()), loggers);
    }

    /// <summary>--dbus-address off: no condition, no drain.</summary>
    public bool Off { get; private init; }

    /// <summary>Undoes a cordon of an earlier shutdown, takes the inhibitor lock and runs both loops until <paramref name="ct"/> ends.</summary>
    public async Task RunAsync(PodManager pods, NodeCordon cordon, SystemdNotifier notifier, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(cordon);
        ArgumentNullException.ThrowIfNull(notifier);
        var uncordon = UncordonAfterRebootAsync(cordon, ct);
        var loops = new List<Task> { uncordon, RuntimeUnit.RunAsync(ct) };
        if (_connection is not null)
        {
            var inhibitor = new ShutdownInhibitor(new LogindClient(_connection), pods, cordon, notifier, TimeProvider.System, _loggers.CreateLogger<ShutdownInhibitor>());
            try
            {
                await inhibitor.StartAsync(ct).ConfigureAwait(false);
                _inhibitor = inhibitor;
                loops.Add(inhibitor.RunAsync(ct));
            }
            catch (SystemdException e)
            {
                inhibitor.Dispose();
                LogNoLogind(_logger, e.Message);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                inhibitor.Dispose();
            }
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>
    /// A node cordoned by the agent for a shutdown that did happen comes back schedulable. Retried while
    /// droverd is away (the node may boot before it); an operator's cordon is left alone (NodeCordon).
    /// </summary>
    private async Task UncordonAfterRebootAsync(NodeCordon cordon, CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (await cordon.UncordonAsync(ct).ConfigureAwait(false))
                    LogUncordoned(_logger);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or TaskCanceledException)
            {
                try
                {
                    await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _inhibitor?.Dispose();
        _connection?.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "systemd integration unavailable ({Error}): pods will not be drained before a shutdown and the runtime unit's state is not reported; the agent runs on")]
    private static partial void LogNoBus(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "no logind inhibitor lock ({Error}): pods will not be drained before a shutdown; the agent runs on")]
    private static partial void LogNoLogind(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "D-Bus is off (--dbus-address off): no shutdown drain, no runtime unit condition")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "the node was cordoned for a shutdown; schedulable again")]
    private static partial void LogUncordoned(ILogger logger);
}
