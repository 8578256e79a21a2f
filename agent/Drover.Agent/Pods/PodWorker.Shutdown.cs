using Drover.Agent.Pods.Actions;

namespace Drover.Agent.Pods;

internal sealed partial class PodWorker
{
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
            // Decided under the request's lock against the worker starting the stop (BeginShutdownStop).
            if (request.Started || Interlocked.CompareExchange(ref _shutdown, null, request) != request)
                return;
        }
        request.Completion.TrySetResult();
        Wake();
    }

    private void EndShutdownWaits() => Volatile.Read(ref _shutdown)?.Completion.TrySetResult();

    /// <summary>
    /// Whether the worker goes on to stop the pod for <paramref name="request"/>: not when the pod had finished before
    /// (it is only marked stopped), nor when the shutdown was cancelled just now (the pod syncs normally at once).
    /// </summary>
    private bool BeginShutdownStop(ShutdownRequest request, PodTermination termination)
    {
        if (termination.AlreadyFinished)
        {
            EndShutdownStop(request);
            return false;
        }

        lock (request.Sync)
        {
            if (Volatile.Read(ref _shutdown) != request)
                return false;
            request.Started = true;
        }

        return true;
    }

    private static void EndShutdownStop(ShutdownRequest request)
    {
        request.Stopped = true;
        request.Completion.TrySetResult();
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
