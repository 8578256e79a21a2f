using Drover.Agent.Configuration;
using Drover.Agent.Cri;
using Drover.Agent.Metrics;
using Drover.Agent.Network;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Node;

/// <summary>
/// Measures the node (procfs, statvfs, CRI Status/Version, the CNI config) every check interval and writes
/// Node status only when something other than heartbeat times changed, or every status interval — the
/// Lease is the cheap heartbeat, status writes are the expensive one (Kubernetes' split since 1.17).
/// </summary>
internal sealed partial class NodeStatusReporter
{
    private readonly DroverClient _api;
    private readonly CriClient _cri;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NodeConditions _conditions;
    private readonly NodeSystemInfo _staticInfo;
    private string? _runtimeVersion;
    private bool _runtimeVersionStale;
    private IReadOnlyList<NodeCondition>? _lastConditions;
    private NodeStatus? _lastPosted;
    private DateTimeOffset _lastPostedAt;
    private volatile bool _forced;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastCheckTicks;
    private readonly int _servingPort;

    /// <summary>The runtime unit's state from systemd, or null when it is not watched.</summary>
    private readonly Systemd.RuntimeUnitMonitor? _runtimeUnit;

    /// <param name="servingPort">The port the log endpoint is bound to, published as daemonEndpoints.kubeletEndpoint; 0 when it is off.</param>
    /// <param name="runtimeUnit">The container runtime's unit (the ContainerRuntimeUnit condition; a change is written at once), or null when it is not watched.</param>
    public NodeStatusReporter(DroverClient api, CriClient cri, AgentOptions options, TimeProvider time, ILogger<NodeStatusReporter> logger, IReadOnlyList<NodeCondition>? previousConditions = null, int servingPort = 0, Systemd.RuntimeUnitMonitor? runtimeUnit = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _cri = cri;
        _options = options;
        _time = time;
        _logger = logger;
        _conditions = new NodeConditions(time);
        _lastCheckTicks = time.GetUtcNow().UtcTicks;
        _servingPort = servingPort;
        _runtimeUnit = runtimeUnit;
        if (runtimeUnit is not null)
        {
            runtimeUnit.Changed += RequestUpdate;
        }

        // Seeded from the stored Node so an agent restart does not reset lastTransitionTime.
        _lastConditions = previousConditions;
        _staticInfo = new NodeSystemInfo
        {
            MachineID = HostFacts.MachineId(),
            SystemUUID = ReadSystemUuid(),
            BootID = HostFacts.BootId(),
            KernelVersion = HostFacts.KernelVersion(),
            OsImage = HostFacts.OsImage(),
            KubeletVersion = AgentOptions.AgentVersion,
            KubeProxyVersion = "",
            OperatingSystem = "linux",
            Architecture = HostFacts.Architecture(),
        };
    }

    /// <summary>How often the node is measured: status writes follow changes this quickly.</summary>
    public TimeSpan CheckInterval => _options.LeaseInterval < _options.StatusInterval ? _options.LeaseInterval : _options.StatusInterval;

    /// <summary>When the last check finished (written or not, failed or not): the loop is alive.</summary>
    public DateTimeOffset LastCheck => new(Interlocked.Read(ref _lastCheckTicks), TimeSpan.Zero);

    /// <summary>The last status droverd accepted, or null.</summary>
    public NodeStatus? LastPosted => Volatile.Read(ref _lastPosted);

    /// <summary>
    /// Makes the next check write status even if nothing changed, and runs it now rather than at the next
    /// interval: droverd was unreachable and may have marked the node Unknown meanwhile, and the scheduler
    /// places nothing here until it reads Ready again.
    /// </summary>
    public void RequestUpdate()
    {
        _forced = true;
        Volatile.Read(ref _wake).TrySetResult();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            // Armed before the check, so a request arriving while it runs starts the next one at once.
            var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _wake, wake);
            try
            {
                await CheckAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A background loop never dies of one failure: log, count, measure again next time.
                AgentMetrics.StatusUpdates.WithLabels("error", "check").Inc();
                Log.CheckFailed(_logger, e.Message);
            }
            Interlocked.Exchange(ref _lastCheckTicks, _time.GetUtcNow().UtcTicks);
            try
            {
                await Task.WhenAny(Task.Delay(CheckInterval, _time, ct), wake.Task).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (ct.IsCancellationRequested)
                return;
        }
    }

    /// <summary>Measures once and writes status when it changed or is due; returns whether it wrote.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        var status = await ObserveAsync(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var previous = LastPosted;
        var changed = previous is null || Differs(previous, status);
        var due = now - _lastPostedAt >= _options.StatusInterval;
        var forced = _forced;
        _lastConditions = status.Conditions;
        if (!changed && !due && !forced)
            return false;
        var cause = changed ? "changed" : forced ? "forced" : "periodic";
        try
        {
            await PostAsync(status, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiClientException && !ct.IsCancellationRequested)
        {
            AgentMetrics.StatusUpdates.WithLabels("error", cause).Inc();
            Log.PostFailed(_logger, e.Message);
            return false;
        }
        _forced = false;
        Volatile.Write(ref _lastPosted, status);
        _lastPostedAt = now;
        AgentMetrics.StatusUpdates.WithLabels("ok", cause).Inc();
        var ready = status.Conditions!.First(c => c.Type == NodeConditions.Ready);
        AgentMetrics.NodeReady.Set(ready.Status == "True" ? 1 : 0);
        if (changed)
            Log.Posted(_logger, _options.NodeName, ready.Status, ready.Message ?? "");
        return true;
    }

    /// <summary>A full status from fresh measurements.</summary>
    public async Task<NodeStatus> ObserveAsync(CancellationToken ct)
    {
        var (memoryTotal, memoryAvailable) = HostFacts.Memory();
        Directory.CreateDirectory(_options.DataDirectory);
        var (diskTotal, diskAvailable) = HostFacts.Disk(_options.DataDirectory);
        var (tasks, pidMax) = HostFacts.Pids();

        var cpu = Quantity.FromInt64(Environment.ProcessorCount, QuantityFormat.DecimalSI);
        var memory = Quantity.FromInt64(memoryTotal, QuantityFormat.BinarySI);
        var pods = Quantity.FromInt64(_options.MaxPods, QuantityFormat.DecimalSI);
        var storage = Quantity.FromInt64(diskTotal, QuantityFormat.BinarySI);
        var capacity = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            ["cpu"] = cpu,
            ["ephemeral-storage"] = storage,
            ["memory"] = memory,
            ["pods"] = pods,
        };
        var allocatable = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            ["cpu"] = NonNegative(cpu - _options.ReservedCpu),
            ["ephemeral-storage"] = storage,
            ["memory"] = NonNegative(memory - _options.ReservedMemory),
            ["pods"] = pods,
        };

        var (runtimeProblem, networkProblem) = await RuntimeHealthAsync(ct).ConfigureAwait(false);
        var health = new NodeHealth
        {
            RuntimeProblem = runtimeProblem,
            NetworkProblem = networkProblem,
            MemoryAvailableBytes = memoryAvailable,
            MemoryThresholdBytes = _options.MemoryPressureThreshold.Value,
            DiskFreeFraction = diskTotal > 0 ? (double)diskAvailable / diskTotal : 1,
            DiskThresholdFraction = _options.DiskPressureFreeFraction,
            TasksInUse = tasks,
            PidMax = pidMax,
            PidThresholdFraction = _options.PidPressureFraction,
            RuntimeUnit = _runtimeUnit?.State,
        };
        return new NodeStatus
        {
            Capacity = capacity,
            Allocatable = allocatable,
            Conditions = _conditions.Compute(health, _lastConditions),
            Addresses =
            [
                new NodeAddress { Type = "InternalIP", Address = _options.NodeIp.ToString() },
                new NodeAddress { Type = "Hostname", Address = _options.NodeName },
            ],
            NodeInfo = _staticInfo with { ContainerRuntimeVersion = _runtimeVersion ?? "" },
            DaemonEndpoints = new NodeDaemonEndpoints { KubeletEndpoint = new DaemonEndpoint { Port = _servingPort } },
        };
    }

    private async Task<(string? Runtime, string? Network)> RuntimeHealthAsync(CancellationToken ct)
    {
        string? runtime = null;
        var network = new List<string>();
        if (!CniConfig.Exists(_options.CniConfDirectory))
            network.Add($"no CNI config {CniConfig.FileName} in {_options.CniConfDirectory}");
        if (CniConfig.MissingPlugins(_options.CniBinDirectory) is { Count: > 0 } missing)
            network.Add($"CNI plugins missing from {_options.CniBinDirectory}: {string.Join(", ", missing)}");
        try
        {
            if (_runtimeVersion is null || _runtimeVersionStale)
            {
                var version = await _cri.VersionAsync(ct).ConfigureAwait(false);
                _runtimeVersion = $"{version.RuntimeName}://{version.RuntimeVersion}";
                _runtimeVersionStale = false;
            }
            var status = await _cri.StatusAsync(cancellationToken: ct).ConfigureAwait(false);
            foreach (var condition in status.Status?.Conditions ?? [])
            {
                if (condition.Status)
                    continue;
                var text = $"{condition.Type}=false reason:{condition.Reason} message:{condition.Message}";
                if (condition.Type == "RuntimeReady")
                    runtime = "container runtime not ready: " + text;
                else if (condition.Type == "NetworkReady")
                    network.Add("container runtime network not ready: " + text);
            }
            if (status.Status is null || status.Status.Conditions.All(c => c.Type != "RuntimeReady"))
                runtime ??= "container runtime did not report RuntimeReady";
        }
        catch (CriException e)
        {
            // containerd may come back upgraded: ask its version again then (the last known one stays reported).
            _runtimeVersionStale = true;
            runtime = $"container runtime is unreachable at {_options.ContainerdSocket}: {e.Message}";
        }
        return (runtime, network.Count > 0 ? string.Join("; ", network) : null);
    }

    /// <summary>The Node may change between our read and write (labels, a controller): a conflict reads it again.</summary>
    private Task PostAsync(NodeStatus status, CancellationToken ct) =>
        ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var node = await _api.GetAsync(ResourceTypes.Nodes, null, _options.NodeName, token).ConfigureAwait(false);
            // Conditions of other writers (droverd's NetworkUnavailable) stay as they are, as the kubelet leaves them.
            var conditions = NodeConditions.WithOthers(status.Conditions, node.Status?.Conditions);
            await _api.UpdateAsync(ResourceTypes.Nodes, node with { Status = status with { Conditions = conditions } }, "status", token).ConfigureAwait(false);
        }, maxAttempts: 3, ct);

    /// <summary>Everything but heartbeat times.</summary>
    internal static bool Differs(NodeStatus left, NodeStatus right) =>
        !SameQuantities(left.Capacity, right.Capacity)
        || !SameQuantities(left.Allocatable, right.Allocatable)
        || !(left.Addresses ?? []).SequenceEqual(right.Addresses ?? [])
        || left.NodeInfo != right.NodeInfo
        || left.DaemonEndpoints?.KubeletEndpoint?.Port != right.DaemonEndpoints?.KubeletEndpoint?.Port
        || NodeConditions.Differ(left.Conditions, right.Conditions);

    private static bool SameQuantities(Dictionary<string, Quantity>? left, Dictionary<string, Quantity>? right) =>
        (left?.Count ?? 0) == (right?.Count ?? 0) && (right ?? []).All(kv => left!.TryGetValue(kv.Key, out var v) && v.CompareTo(kv.Value) == 0);

    private static Quantity NonNegative(Quantity quantity) => quantity.Sign < 0 ? Quantity.Zero : quantity;

    private static string ReadSystemUuid()
    {
        try
        {
            return File.Exists("/sys/class/dmi/id/product_uuid") ? File.ReadAllText("/sys/class/dmi/id/product_uuid").Trim() : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeName} status written: Ready={Ready} {Message}")]
        public static partial void Posted(ILogger logger, string nodeName, string ready, string message);

        [LoggerMessage(Level = LogLevel.Warning, Message = "writing node status failed: {Error}")]
        public static partial void PostFailed(ILogger logger, string error);

        [LoggerMessage(Level = LogLevel.Warning, Message = "measuring the node failed: {Error}")]
        public static partial void CheckFailed(ILogger logger, string error);
    }
}
