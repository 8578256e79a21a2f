using System.Diagnostics;
using System.Net;
using Drover.Agent.Metrics;
using Drover.Api;
using Drover.Api.Client;
using Drover.Api.PodNetwork;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Network;

/// <summary>
/// Routes this node's pods to every other node's, as flannel does for k3s: watches the Nodes, asks
/// <see cref="PodNetworkPeers"/> which of them are peers (the verdict droverd reports as NetworkUnavailable), and brings
/// the kernel there — the VXLAN device (vxlan), a route per peer podCIDR, with vxlan a neighbour and an FDB entry per
/// peer — plus the masquerade rule for traffic that leaves the cluster CIDR. Level-triggered and idempotent: every pass
/// reads what the kernel has and writes only differences, touching nothing it does not own; a pass runs when the peers
/// change and every <see cref="PodNetworkOptions.ResyncInterval"/> (drift repair). Until droverd's list arrives nothing
/// is removed; after <see cref="PodNetworkOptions.OfflineRestoreDelay"/> the peers of the last run are routed again.
/// </summary>
internal sealed partial class PodNetwork
{
    private readonly PodNetworkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IpRoute2 _ip;
    private readonly PodMasquerade _masquerade;
    private readonly Informer<Api.Node> _watcher;
    private readonly PeerCache _cache;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<PodNetworkPeer>? _applied;
    private string? _appliedRuleset;
    private string? _selfProblem;
    private bool _restoredFromCache;

    public PodNetwork(DroverClient api, PodNetworkOptions options, HostCommand host, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger("Drover.Agent.Network.PodNetwork");
        _ip = new IpRoute2(host);
        _masquerade = new PodMasquerade(host);
        _cache = new PeerCache(options.DataDirectory);
        _watcher = new Informer<Api.Node>(api, ResourceTypes.Nodes, Wake, loggers.CreateLogger("Drover.Agent.Network.NodeWatcher"), new() { Time = time });
    }

    /// <summary>The peers the last pass routed (tests, status).</summary>
    public IReadOnlyList<PodNetworkPeer> Peers => _applied ?? [];

    /// <summary>Completes after the first pass that worked from droverd's Node list.</summary>
    public Task Synced => _synced.Task;

    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(CancellationToken ct)
    {
        if (_options.Settings.Backend == PodNetworkBackend.None)
            return;
        LogStarting(_logger, PodNetworkBackends.Name(_options.Settings.Backend), _options.PodCidr.ToString(), _options.NodeIp.ToString());
        var watch = _watcher.RunAsync(ct);
        var started = _time.GetUtcNow();
        var nextResync = started;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Replaced before the pass: a change during it wakes the next one.
                Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                var now = _time.GetUtcNow();
                var resync = now >= nextResync;
                if (resync)
                    nextResync = now + _options.ResyncInterval;
                await ReconcileAsync(resync, now - started >= _options.OfflineRestoreDelay, ct).ConfigureAwait(false);
                var until = nextResync;
                // Before droverd's first list, look again when the offline restore is due.
                if (!_watcher.Synced.IsCompleted && !_restoredFromCache && started + _options.OfflineRestoreDelay < until)
                    until = started + _options.OfflineRestoreDelay;
                await WaitAsync(Volatile.Read(ref _wake).Task, until - _time.GetUtcNow(), ct).ConfigureAwait(false);
                // A burst of Node events (a node registering writes it several times) is one pass.
                await Task.Delay(TimeSpan.FromMilliseconds(20), _time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await watch.ConfigureAwait(false);
        }
    }

    private async Task WaitAsync(Task wake, TimeSpan timeout, CancellationToken ct)
    {
        if (timeout <= TimeSpan.Zero || wake.IsCompleted)
            return;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAny(wake, Task.Delay(timeout, _time, timer.Token)).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>One pass; failures are logged and counted, and the next pass (a change or the resync) tries again.</summary>
    internal async Task ReconcileAsync(bool resync, bool restoreDue, CancellationToken ct)
    {
        IReadOnlyList<PodNetworkPeer>? peers = null;
        var fromDroverd = _watcher.Synced.IsCompleted;
        if (fromDroverd)
        {
            peers = CurrentPeers();
        }
        else if (restoreDue && !_restoredFromCache)
        {
            _restoredFromCache = true;
            peers = _cache.Load();
            LogRestored(_logger, peers.Count);
        }

        var ruleset = _options.Masquerade ? PodMasquerade.Ruleset(_options.PodCidr, _options.Settings.ClusterCidr) : null;
        var unchanged = peers is null || (_applied is not null && SamePeers(peers, _applied));
        if (!resync && unchanged && ruleset == _appliedRuleset)
            return;

        var clock = Stopwatch.StartNew();
        try
        {
            await EnsureMasqueradeAsync(ruleset, resync, ct).ConfigureAwait(false);
            var interfaces = await _ip.InterfacesAsync(ct).ConfigureAwait(false);
            var deviceReady = await EnsureDeviceAsync(interfaces, ct).ConfigureAwait(false);
            // Without droverd's list (and before the offline restore) the kernel's routes are left as they are.
            if (peers is not null && deviceReady)
            {
                peers = WithoutLocal(peers, interfaces);
                await ApplyForwardingAsync(peers, ct).ConfigureAwait(false);
                if (_applied is null || !SamePeers(peers, _applied))
                    LogPeers(_logger, peers.Count, Names(peers, _applied), Names(_applied ?? [], peers), clock.Elapsed.TotalMilliseconds);
                _applied = peers;
                AgentMetrics.PodNetworkPeers.Set(peers.Count);
                if (fromDroverd)
                {
                    _cache.Save(peers);
                    _synced.TrySetResult();
                }
            }
            AgentMetrics.PodNetworkSyncOk.Inc();
        }
        catch (Exception e) when (e is HostCommandException or IOException or UnauthorizedAccessException)
        {
            AgentMetrics.PodNetworkSyncError.Inc();
            LogPassFailed(_logger, e.Message);
        }
        finally
        {
            AgentMetrics.PodNetworkSyncDuration.Observe(clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>The peers from the Nodes, without this node; a verdict against this node itself is logged once.</summary>
    private IReadOnlyList<PodNetworkPeer> CurrentPeers()
    {
        var view = PodNetworkPeers.Evaluate(_watcher.Snapshot().Values, _options.Settings);
        var self = view.Problems.FirstOrDefault(p => p.NodeName == _options.NodeName);
        var selfProblem = self is null ? null : $"{self.Reason}: {self.Message}";
        if (selfProblem != _selfProblem)
        {
            _selfProblem = selfProblem;
            if (selfProblem is not null)
                LogSelfLeftOut(_logger, selfProblem);
        }
        return [.. view.Peers.Where(p => p.NodeName != _options.NodeName).OrderBy(p => p.NodeName, StringComparer.Ordinal)];
    }

    /// <summary>A peer that claims an address of this host would be routed to itself: such a peer is left out (and said so).</summary>
    private List<PodNetworkPeer> WithoutLocal(IReadOnlyList<PodNetworkPeer> peers, IReadOnlyList<HostInterface> interfaces)
    {
        var local = interfaces.SelectMany(i => i.Addresses).Select(a => a.Address).ToHashSet();
        var result = new List<PodNetworkPeer>(peers.Count);
        foreach (var peer in peers)
        {
            if (local.Contains(peer.InternalIp) || peer.PodCidr.Overlaps(_options.PodCidr))
                LogPeerIsLocal(_logger, peer.NodeName, peer.InternalIp.ToString(), peer.PodCidr.ToString());
            else
                result.Add(peer);
        }
        return result;
    }

    private async Task EnsureMasqueradeAsync(string? ruleset, bool resync, CancellationToken ct)
    {
        if (ruleset is null)
        {
            if (_appliedRuleset is not null || resync)
                await _masquerade.RemoveAsync(ct).ConfigureAwait(false);
            _appliedRuleset = null;
            return;
        }
        if (ruleset != _appliedRuleset || (resync && !await _masquerade.ExistsAsync(ct).ConfigureAwait(false)))
        {
            await _masquerade.ApplyAsync(ruleset, ct).ConfigureAwait(false);
            _appliedRuleset = ruleset;
        }
    }

    /// <summary>vxlan: the device as its spec says; host-gw: no device (one left from a vxlan cluster goes). False when vxlan has no device to route through.</summary>
    private async Task<bool> EnsureDeviceAsync(IReadOnlyList<HostInterface> interfaces, CancellationToken ct)
    {
        IReadOnlyList<string> lines;
        if (_options.Settings.Backend == PodNetworkBackend.Vxlan)
        {
            var (spec, problem) = VxlanDevice.Spec(_options.Settings, _options.NodeIp, _options.VtepMac, _options.PodCidr, interfaces);
            if (spec is null)
            {
                LogNoDevice(_logger, problem!);
                return false;
            }
            lines = VxlanDevice.Ensure(spec, interfaces);
        }
        else
        {
            lines = VxlanDevice.Remove(interfaces);
        }
        if (lines.Count == 0)
            return true;
        var failures = await _ip.IpBatchAsync(lines, ct).ConfigureAwait(false);
        if (failures.Count > 0)
            throw new HostCommandException($"setting up {PodNetworkNames.VxlanDevice} failed: " + string.Join("; ", failures.Select(f => $"'{lines[f.Key]}': {f.Value}")));
        LogDevice(_logger, string.Join("; ", lines));
        return true;
    }

    private async Task ApplyForwardingAsync(IReadOnlyList<PodNetworkPeer> peers, CancellationToken ct)
    {
        var vxlan = _options.Settings.Backend == PodNetworkBackend.Vxlan;
        var desired = ForwardingPlan.Desired(_options.Settings.Backend, peers);
        var routes = await _ip.RoutesAsync(ct).ConfigureAwait(false);
        var neighbours = vxlan ? await _ip.NeighboursAsync(PodNetworkNames.VxlanDevice, ct).ConfigureAwait(false) : [];
        var fdb = vxlan ? await _ip.FdbAsync(PodNetworkNames.VxlanDevice, ct).ConfigureAwait(false) : [];
        var changes = ForwardingPlan.Changes(desired, routes, neighbours, fdb);
        foreach (var conflict in changes.Conflicts)
            LogConflict(_logger, conflict);
        if (changes.IsEmpty)
            return;
        var problems = new List<string>();
        await RunAsync(changes.FdbAdds, _ip.BridgeBatchAsync, problems, ct).ConfigureAwait(false);
        await RunAsync(changes.IpCommands, _ip.IpBatchAsync, problems, ct).ConfigureAwait(false);
        await RunAsync(changes.FdbDeletes, _ip.BridgeBatchAsync, problems, ct).ConfigureAwait(false);
        if (problems.Count > 0)
            throw new HostCommandException(string.Join("; ", problems));
    }

    private static async Task RunAsync(IReadOnlyList<ForwardingCommand> commands, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<int, string>>> batch, List<string> problems, CancellationToken ct)
    {
        if (commands.Count == 0)
            return;
        var failures = await batch([.. commands.Select(c => c.Line)], ct).ConfigureAwait(false);
        foreach (var (index, error) in failures)
            problems.Add($"{commands[index].Subject}: '{commands[index].Line}' refused: {error}");
    }

    private static bool SamePeers(IReadOnlyList<PodNetworkPeer> left, IReadOnlyList<PodNetworkPeer> right) =>
        left.Count == right.Count && left.ToHashSet().SetEquals(right);

    /// <summary>The names of the peers in <paramref name="these"/> that are not in <paramref name="notIn"/>, for the log.</summary>
    private static string Names(IReadOnlyList<PodNetworkPeer> these, IReadOnlyList<PodNetworkPeer>? notIn)
    {
        var names = these.Where(p => notIn is null || !notIn.Contains(p)).Select(p => p.NodeName).ToList();
        return names.Count == 0 ? "-" : string.Join(",", names);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "pod network {Backend}: podCIDR {PodCidr}, node address {NodeIp}")]
    private static partial void LogStarting(ILogger logger, string backend, string podCidr, string nodeIp);

    [LoggerMessage(Level = LogLevel.Information, Message = "pod network: routing {Count} peer(s) (+{Added} -{Removed}) in {Milliseconds:F0} ms")]
    private static partial void LogPeers(ILogger logger, int count, string added, string removed, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod network: droverd has not answered; routing the {Count} peer(s) kept from the last run")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "pod network: {Changes}")]
    private static partial void LogDevice(ILogger logger, string changes);

    [LoggerMessage(Level = LogLevel.Error, Message = "pod network: {Problem}")]
    private static partial void LogNoDevice(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod network: a route to {Destination} that is not the agent's is in the main table; the peer's route is not added over it")]
    private static partial void LogConflict(ILogger logger, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod network: node {Node} ({Address}, podCIDR {PodCidr}) claims an address or range of this host; not routed")]
    private static partial void LogPeerIsLocal(ILogger logger, string node, string address, string podCidr);

    [LoggerMessage(Level = LogLevel.Error, Message = "pod network: this node is left out by the other nodes ({Problem})")]
    private static partial void LogSelfLeftOut(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "pod network pass failed: {Error}; trying again on the next change or resync")]
    private static partial void LogPassFailed(ILogger logger, string error);
}
