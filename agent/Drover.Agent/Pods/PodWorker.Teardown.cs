using Drover.Agent.Cri;
using Drover.Api;
using Drover.Api.Client;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods;

internal sealed partial class PodWorker
{
    private static readonly TimeSpan MinimumGraceAfterHooks = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A pod deleted by a user: drain and run its preStop hooks, stop its containers within what is left of
    /// the grace period (SIGTERM, then SIGKILL), report them terminated, release the sandbox and network, then
    /// finish the deletion in the API (grace 0).
    /// </summary>
    private async Task<SyncOutcome> DeleteAsync(Pod pod, CancellationToken ct)
    {
        var grace = GracePeriod(pod);
        if (grace > TimeSpan.Zero)
        {
            // Serve on while Services stop sending traffic here (PodManagerOptions.TerminationDrainDelay says
            // why), side by side with the preStop hooks: both exist to keep the pod serving until nothing sends
            // it requests, so a Kubernetes manifest's `preStop: sleep 5` makes the wait 5 s, not 5 s + the drain.
            // A forced deletion (grace 0) waits for neither; nothing outlasts the grace period.
            var started = _time.GetTimestamp();
            var drain = grace < _options.TerminationDrainDelay ? grace : _options.TerminationDrainDelay;
            await Task.WhenAll(
                drain > TimeSpan.Zero ? Task.Delay(drain, _time, ct) : Task.CompletedTask,
                RunPreStopHooksAsync(pod, grace, ct)).ConfigureAwait(false);
            var spent = _time.GetElapsedTime(started);
            // As the kubelet: hooks that used up the grace period still leave the containers 2 s for SIGTERM.
            grace = spent < grace ? grace - spent : TimeSpan.Zero;
            if (grace < MinimumGraceAfterHooks && spent > drain)
                grace = MinimumGraceAfterHooks;
        }

        await TeardownAsync(pod, grace, writeFinalStatus: true, ct).ConfigureAwait(false);
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

        LogPodRemoved(Namespace(pod), pod.Metadata.Name, _uid, "deleted");
        return SyncOutcome.Done;
    }

    /// <summary>Stops and removes everything of the pod in CRI, its cgroups and its logs. Idempotent.</summary>
    private async Task TeardownAsync(Pod pod, TimeSpan grace, bool writeFinalStatus, CancellationToken ct)
    {
        await _probers.ReconcileAsync("", []).ConfigureAwait(false);
        var filter = new CriV1.ContainerFilter { LabelSelector = { [PodLabels.PodUid] = _uid } };
        var containers = await _cri.ListContainersAsync(filter, ct).ConfigureAwait(false);
        var running = containers.Where(c => c.State == CriV1.ContainerState.ContainerRunning).ToList();
        foreach (var c in running)
        {
            _events.Record(pod, EventRecorder.Normal, "Killing", "Stopping container " + c.Metadata.Name, c.Metadata.Name);
        }

        await Task.WhenAll(running.Select(c => _cri.StopContainerAsync(c.Id, grace, ct))).ConfigureAwait(false);

        if (writeFinalStatus && containers.Count > 0)
        {
            await WriteFinalStatusAsync(pod, containers, ct).ConfigureAwait(false);
        }

        var sandboxes = await _cri.ListPodSandboxAsync(new CriV1.PodSandboxFilter { LabelSelector = { [PodLabels.PodUid] = _uid } }, ct).ConfigureAwait(false);
        foreach (var sandbox in sandboxes)
        {
            await RemoveSandboxAsync(sandbox.Id, containers.Where(c => c.PodSandboxId == sandbox.Id), TimeSpan.Zero, ct).ConfigureAwait(false);
        }

        foreach (var c in containers.Where(c => sandboxes.All(s => s.Id != c.PodSandboxId)))
        {
            await _cri.RemoveContainerAsync(c.Id, ct).ConfigureAwait(false);
        }

        PodCleanup.RemoveCgroups(_options.CgroupMountRoot, _configs.CgroupParent(_uid));
        PodCleanup.RemoveDirectory(_configs.LogDirectory(pod));
    }

    private async Task RemoveSandboxAsync(string sandboxId, IEnumerable<CriV1.Container> containers, TimeSpan grace, CancellationToken ct)
    {
        foreach (var c in containers)
        {
            if (c.State == CriV1.ContainerState.ContainerRunning)
            {
                await _cri.StopContainerAsync(c.Id, grace, ct).ConfigureAwait(false);
            }

            await _cri.RemoveContainerAsync(c.Id, ct).ConfigureAwait(false);
        }

        await _cri.StopPodSandboxAsync(sandboxId, ct).ConfigureAwait(false);
        await _cri.RemovePodSandboxAsync(sandboxId, ct).ConfigureAwait(false);
        _podIps.Remove(sandboxId);
    }

    /// <summary>The kubelet reports the stopped containers before the pod goes: the last word on how they ended.</summary>
    /// <param name="failed">Set when the pod ends Failed for a reason of the node's (a shutdown), not because of its containers.</param>
    private async Task WriteFinalStatusAsync(Pod pod, IReadOnlyList<CriV1.Container> containers, CancellationToken ct, (string Reason, string Message)? failed = null)
    {
        try
        {
            var statuses = new List<ContainerStatus>();
            foreach (var spec in pod.Spec.Containers)
            {
                var latest = containers.Where(c => c.Metadata.Name == spec.Name).OrderByDescending(c => c.Metadata.Attempt).FirstOrDefault();
                var status = latest is null ? null : await StatusOrNullAsync(latest.Id, ct).ConfigureAwait(false);
                statuses.Add(status is null
                    ? Base(spec, (int)_nextAttempts.GetValueOrDefault(spec.Name)) with { State = Waiting("ContainerCreating", null) }
                    : Base(spec, RestartCountOf(status)) with { State = Terminated(status), ContainerID = ApiContainerId(status.Id), ImageID = status.ImageRef });
            }

            var podIp = pod.Status?.PodIP;
            var final = PodStatusBuilder.Build(pod, statuses, podIp, _options.NodeIp, _time.GetUtcNow());
            if (failed is { } why)
                final = final with { Phase = PodStatusBuilder.Failed, Reason = why.Reason, Message = why.Message };
            await WriteStatusAsync(pod, final, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiClientException or CriException)
        {
            LogFinalStatusFailed(Namespace(pod), pod.Metadata.Name, e.Message);
        }
    }
}
