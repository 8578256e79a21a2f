using System.Globalization;
using Drover.Agent.Pods.Actions;
using Drover.Agent.Pods.Execution;
using Drover.Agent.Pods.Observed;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods.Reporting;

/// <summary>
/// One pod's status, as the kubelet's status manager keeps it: computed from what CRI has (the containers' statuses,
/// then phase and conditions by <see cref="PodStatusBuilder"/>), written to droverd only when it changed, on top of
/// the newest pod object (a 409 re-reads it), and finally the deletion finished once the pod is gone. A pod started
/// from the checkpoint gets nothing written until droverd has sent it (<see cref="Confirm"/>): only then is it known
/// that the pod still exists as the checkpoint remembers it. One per pod worker, used by its loop alone.
/// </summary>
internal sealed partial class PodStatusManager
{
    private readonly string _uid;
    private readonly DroverClient _api;
    private readonly ApiReachability _reachability;
    private readonly PodManagerOptions _options;
    private readonly ILogger _logger;
    private volatile bool _confirmed;
    private Pod _statusBase;
    private byte[]? _lastStatus;

    public PodStatusManager(Pod pod, DroverClient api, ApiReachability reachability, PodManagerOptions options, ILogger logger, bool confirmed)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(reachability);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _uid = CriConfigFactory.Uid(pod);
        _api = api;
        _reachability = reachability;
        _options = options;
        _logger = logger;
        _confirmed = confirmed;
        Containers = new ContainerStatuses(options.RuntimeName);
        // An adopted pod whose status is already what the agent would write causes no write.
        _lastStatus = pod.Status is null ? null : Serialize(pod.Status);
        _statusBase = pod;
    }

    public ContainerStatuses Containers { get; }

    /// <summary>droverd has sent the pod: its status may be written.</summary>
    public void Confirm() => _confirmed = true;

    /// <summary>The statuses of the pod's containers and init containers after a sync (without their probe state).</summary>
    public (List<ContainerStatus> Containers, List<ContainerStatus> InitContainers) ContainerStatusesOf(Pod pod, PodExecution done, IPodHistory history)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(history);
        var hasInit = pod.Spec.InitContainers is { Count: > 0 };
        ContainerStatus Of(Container spec) =>
            Containers.Of(spec, done.Observed.ContainersOf(done.SandboxId, spec.Name), done.Waiting.GetValueOrDefault(spec.Name), history.NextAttempt(spec.Name), hasInit);
        return ([.. pod.Spec.Containers.Select(Of)], [.. (pod.Spec.InitContainers ?? []).Select(spec => ContainerStatuses.InitReadiness(Of(spec)))]);
    }

    /// <summary>The pod's status from its containers' statuses, with Started and Ready from the probers.</summary>
    public PodStatus Build(Pod pod, IReadOnlyList<ContainerStatus> containers, IReadOnlyList<ContainerStatus> initContainers, string? podIp, Func<string, (bool Started, bool Ready)> probes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(containers);
        return PodStatusBuilder.Build(pod, [.. containers.Select(c => Containers.WithProbeState(c, probes))], podIp, _options.NodeIp, now, initContainers);
    }

    /// <summary>The last status of a pod that stops: how each container ended (<paramref name="last"/>, read after the stop).</summary>
    public PodStatus BuildFinal(Pod pod, IReadOnlyList<ObservedContainer> last, IPodHistory history, PodFailure? failed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(last);
        ArgumentNullException.ThrowIfNull(history);
        var statuses = pod.Spec.Containers.Select(spec => Containers.Final(spec, last.FirstOrDefault(c => c.Name == spec.Name), history.NextAttempt(spec.Name))).ToList();
        var final = PodStatusBuilder.Build(pod, statuses, pod.Status?.PodIP, _options.NodeIp, now);
        return failed is null ? final : final with { Phase = PodStatusBuilder.Failed, Reason = failed.Reason, Message = failed.Message };
    }

    /// <summary>Writes the status when it differs from the last one written; droverd away defers it to the next sync.</summary>
    public async Task WriteAsync(Pod pod, PodStatus status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(status);
        if (!_confirmed)
        {
            // Started from the checkpoint and droverd has not sent the pod yet: it may have been deleted (and
            // its name reused) meanwhile, so nothing is written on its behalf. The first sync after the list writes.
            return;
        }

        var bytes = Serialize(status);
        if (_lastStatus is not null && bytes.AsSpan().SequenceEqual(_lastStatus))
        {
            return;
        }

        if (!_reachability.IsReachable)
        {
            LogStatusDeferred(Namespace(pod), pod.Metadata.Name, "the pod manager cannot reach it");
            return;
        }

        try
        {
            // Someone else may write the pod (a label, a deletion mark): re-read and write ours on top.
            var written = await _api.WriteOnTopAsync(ResourceTypes.Pods, NewerOf(_statusBase, pod), held => held with { Status = status }, maxAttempts: 4, ct: ct).ConfigureAwait(false);
            if (written is not null)
            {
                _statusBase = written;
                _lastStatus = bytes;
            }
        }
        catch (Exception e) when (ConflictRetry.IsConflict(e))
        {
            // Four lost races in a row: _lastStatus stays, so the next sync writes it.
        }
        catch (Exception e) when (IsApiUnreachable(e, ct))
        {
            // droverd away: the pod runs on; _lastStatus stays, so the next sync (a resync, or the wake-up the
            // next successful list brings) writes the status then.
            LogStatusDeferred(Namespace(pod), pod.Metadata.Name, e.Message);
        }
    }

    /// <summary>A gracefully deleted pod whose containers are gone: the agent deletes the object for good (grace 0), if it is still this pod.</summary>
    public async Task FinishDeletionAsync(Pod pod, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        try
        {
            if (await _api.TryGetAsync(ResourceTypes.Pods, Namespace(pod), pod.Metadata.Name!, ct).ConfigureAwait(false) is Pod current
                && current.Metadata.Uid == _uid)
            {
                await _api.DeleteAsync(ResourceTypes.Pods, Namespace(pod), pod.Metadata.Name!, gracePeriodSeconds: 0, ct: ct).ConfigureAwait(false);
            }
        }
        catch (ApiClientException e) when (e.Code == 404)
        {
        }
    }

    /// <summary>droverd unreachable, overloaded or timing out — as opposed to refusing the write.</summary>
    private static bool IsApiUnreachable(Exception e, CancellationToken ct) => e switch
    {
        ApiClientException api => api.Code is 0 or 429 or >= 500,
        HttpRequestException => true,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };

    private static Pod NewerOf(Pod a, Pod b)
    {
        _ = long.TryParse(a.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var ra);
        _ = long.TryParse(b.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rb);
        return ra > rb ? a : b;
    }

    private static byte[] Serialize(PodStatus status) => ResourceTypes.Pods.SerializeToUtf8Bytes(new Pod { Status = status });

    private static string Namespace(Pod pod) => CriConfigFactory.Namespace(pod);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod}: status not written, droverd is unreachable ({Error}); the next sync tries again")]
    private partial void LogStatusDeferred(string @namespace, string? pod, string error);
}
