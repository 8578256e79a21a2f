using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods;

internal sealed partial class PodWorker
{
    /// <summary>The kubelet's words for a pod stopped by a node shutdown (pkg/kubelet/nodeshutdown), so tools that know them read ours.</summary>
    internal const string ShutdownReason = "Terminated";
    internal const string ShutdownMessage = "Pod was terminated in response to imminent node shutdown.";

    private ShutdownRequest? _shutdown;

    /// <summary>
    /// The node is about to shut down: stop the pod's containers within its grace period but no later than
    /// <paramref name="deadline"/> (logind's inhibit delay), report the pod Failed as the kubelet does, and
    /// run nothing any more. The task ends when the pod is stopped and reported (or the worker ended).
    /// </summary>
    public Task BeginShutdown(DateTimeOffset deadline)
    {
        var request = new ShutdownRequest(deadline);
        var current = Interlocked.CompareExchange(ref _shutdown, request, null) ?? request;
        Wake();
        return current.Completion.Task;
    }

    /// <summary>The shutdown was cancelled: a pod whose stop has not begun runs on. One stopping or stopped stays Failed (its owner replaces it).</summary>
    public void CancelShutdown()
    {
        if (Volatile.Read(ref _shutdown) is not { } request)
            return;
        lock (request.Sync)
        {
            // Decided under the request's lock against the worker starting the stop (ShutdownSyncAsync).
            if (request.Started || Interlocked.CompareExchange(ref _shutdown, null, request) != request)
                return;
        }
        request.Completion.TrySetResult();
        Wake();
    }

    private void EndShutdownWaits() => Volatile.Read(ref _shutdown)?.Completion.TrySetResult();

    private async Task<SyncOutcome> ShutdownSyncAsync(Pod pod, ShutdownRequest request, CancellationToken ct)
    {
        if (request.Stopped)
            return new SyncOutcome(false, null);

        if (_terminalHandled || PodStatusBuilder.IsTerminal(pod.Status?.Phase))
        {
            // Finished before the shutdown (a completed job): its status stays what it is, nothing runs to stop.
            request.Stopped = true;
            request.Completion.TrySetResult();
            return new SyncOutcome(false, null);
        }

        lock (request.Sync)
        {
            if (Volatile.Read(ref _shutdown) != request)
                return new SyncOutcome(false, _time.GetUtcNow()); // cancelled just now: sync normally at once
            request.Started = true;
        }

        var left = request.Deadline - _time.GetUtcNow();
        var podGrace = GracePeriod(pod);
        var grace = left < podGrace ? left : podGrace;
        grace = grace > TimeSpan.Zero ? grace : TimeSpan.Zero;
        if (grace > TimeSpan.Zero)
        {
            var started = _time.GetTimestamp();
            await RunPreStopHooksAsync(pod, grace, ct).ConfigureAwait(false);
            var spent = _time.GetElapsedTime(started);
            grace = spent < grace ? grace - spent : TimeSpan.Zero;
        }

        await _probers.ReconcileAsync("", []).ConfigureAwait(false);
        var filter = new CriV1.ContainerFilter { LabelSelector = { [PodLabels.PodUid] = _uid } };
        var containers = await _cri.ListContainersAsync(filter, ct).ConfigureAwait(false);
        var running = containers.Where(c => c.State == CriV1.ContainerState.ContainerRunning).ToList();
        foreach (var c in running)
            _events.Record(pod, EventRecorder.Normal, "Killing", "Stopping container " + c.Metadata.Name + ": node is shutting down", c.Metadata.Name);
        await Task.WhenAll(running.Select(c => _cri.StopContainerAsync(c.Id, grace, ct))).ConfigureAwait(false);

        // Reported before the network goes: the last word on the pod while droverd can still be reached.
        await WriteFinalStatusAsync(pod, containers, ct, (ShutdownReason, ShutdownMessage)).ConfigureAwait(false);
        var sandboxes = await _cri.ListPodSandboxAsync(new CriV1.PodSandboxFilter { LabelSelector = { [PodLabels.PodUid] = _uid } }, ct).ConfigureAwait(false);
        foreach (var sandbox in sandboxes.Where(s => s.State == CriV1.PodSandboxState.SandboxReady))
            await _cri.StopPodSandboxAsync(sandbox.Id, ct).ConfigureAwait(false);

        _phase = PodStatusBuilder.Failed;
        _terminalHandled = true;
        request.Stopped = true;
        request.Completion.TrySetResult();
        LogPodShutDown(Namespace(pod), pod.Metadata.Name, _uid, running.Count, grace);
        return new SyncOutcome(false, null);
    }

    private sealed class ShutdownRequest(DateTimeOffset deadline)
    {
        public DateTimeOffset Deadline { get; } = deadline;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Orders <see cref="Started"/> against a cancellation.</summary>
        public Lock Sync { get; } = new();

        /// <summary>
        /// Set by the worker's own loop when it begins stopping the pod: from then on the pod ends Failed even if
        /// the shutdown is cancelled, since its status may already say so and restarting it would contradict that.
        /// </summary>
        public volatile bool Started;

        /// <summary>Set by the worker's own loop once the pod is stopped and reported.</summary>
        public volatile bool Stopped;
    }
}
