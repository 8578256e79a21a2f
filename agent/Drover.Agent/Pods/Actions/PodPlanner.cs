using System.Globalization;
using Drover.Agent.Pods.Observed;
using Drover.Agent.Pods.Reporting;
using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Actions;

/// <summary>
/// The decision of one pod sync, as the kubelet's computePodActions (pkg/kubelet/kuberuntime/kuberuntime_manager.go):
/// from the desired pod, what CRI has of it, the pod's history (back-offs, attempts), the probe results and the time,
/// what to do now. Pure: no I/O, no clock, no state; the same input gives the same plan. The executor carries the plan
/// out and the status manager reports the outcome.
/// </summary>
internal static class PodPlanner
{
    public const string Always = "Always";
    public const string OnFailure = "OnFailure";
    public const string Never = "Never";

    /// <summary>The kubelet's reason for a container whose env or mounts cannot be made (a missing key, say).</summary>
    public const string CreateContainerConfigError = "CreateContainerConfigError";

    public static PodActions ComputePodActions(PodSyncInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Termination(input) is { } termination)
        {
            return new PodActions { Termination = termination };
        }

        var pod = input.Pod;
        var observed = input.Observed;
        // A pod droverd has as Succeeded or Failed runs nothing again: its containers are only reported. Nor does one
        // this worker saw finish (and whose sandbox it stopped) while droverd's copy still says Pending or Running: that
        // copy lags the status just written, and reading it as live would run the finished pod again in a new sandbox.
        var terminal = PodStatusBuilder.IsTerminal(pod.Status?.Phase) || input.FinishedHere;
        var ready = observed.ReadySandbox;
        var plan = new Plan(input, terminal);

        if (ready is null && terminal)
        {
            plan.SandboxId = observed.NewestSandbox?.Id ?? "";
            plan.SandboxAttempt = 0;
        }
        else if (ready is null || (!terminal && ready.NetworkMode is { } mode && mode != CriConfigFactory.SandboxNetworkMode(pod)))
        {
            // As the kubelet's PodSandboxChanged: everything starts again in a new sandbox; its containers' attempts go on.
            var attempt = observed.Sandboxes.Count == 0 ? 0u : observed.Sandboxes.Max(s => s.Attempt) + 1;
            var replaces = ready is not null ? "its network namespace is not the one the pod needs"
                : observed.Sandboxes.Count > 0 ? "it lost its sandbox" : null;
            plan.CreateSandbox = new SandboxToCreate(attempt, replaces);
            plan.SandboxAttempt = attempt;
            plan.SandboxesToRemove.AddRange(observed.Sandboxes.Select(s => s.Id));
            foreach (var c in observed.Containers)
            {
                var next = c.Attempt + 1;
                if (!plan.Carried.TryGetValue(c.Name, out var known) || known < next)
                {
                    plan.Carried[c.Name] = next;
                }
            }
        }
        else
        {
            plan.SandboxId = ready.Id;
            plan.SandboxAttempt = ready.Attempt;
            // Sandboxes left over from earlier attempts (a crash between run and clean-up) go.
            plan.SandboxesToRemove.AddRange(observed.Sandboxes.Where(s => s.Id != ready.Id).Select(s => s.Id));
        }

        if (InitContainers(pod) is { Count: > 0 } && !plan.InitializeOrDone())
        {
            return plan.ToActions();
        }

        foreach (var spec in pod.Spec.Containers)
        {
            plan.Container(spec);
        }

        return plan.ToActions();
    }

    /// <summary>The kubelet's default when droverd has not filled it in.</summary>
    public static string RestartPolicy(Pod pod) => pod.Spec.RestartPolicy ?? Always;

    public static TimeSpan GracePeriod(Pod pod) =>
        TimeSpan.FromSeconds(Math.Max(0, pod.Metadata.DeletionGracePeriodSeconds ?? CriConfigFactory.GracePeriodSeconds(pod)));

    private static List<Container> InitContainers(Pod pod) => pod.Spec.InitContainers ?? [];

    private static PodTermination? Termination(PodSyncInput input)
    {
        var pod = input.Pod;
        var observed = input.Observed;
        var grace = GracePeriod(pod);
        if (input.Stop is PodStop.Gone)
        {
            return new PodTermination
            {
                Kind = PodTerminationKind.Gone,
                Grace = grace,
                ContainersToKill = Running(observed, name => "Stopping container " + name),
                RemoveEverything = true,
            };
        }

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return new PodTermination
            {
                Kind = PodTerminationKind.Deleted,
                Grace = grace,
                // Serve on while Services stop sending traffic here, side by side with the preStop hooks; a forced
                // deletion (grace 0) waits for neither.
                Drain = grace <= TimeSpan.Zero ? TimeSpan.Zero : grace < input.TerminationDrainDelay ? grace : input.TerminationDrainDelay,
                PreStopHooks = grace > TimeSpan.Zero ? Hooks(pod, observed) : [],
                ContainersToKill = Running(observed, name => "Stopping container " + name),
                ReportFinalStatus = observed.Containers.Count > 0,
                RemoveEverything = true,
                FinishDeletion = true,
            };
        }

        if (input.Stop is PodStop.Shutdown shutdown)
        {
            if (input.FinishedHere || PodStatusBuilder.IsTerminal(pod.Status?.Phase))
            {
                // Finished before the shutdown (a completed job): nothing runs to stop, its status stays what it is.
                return new PodTermination { Kind = PodTerminationKind.Shutdown, AlreadyFinished = true };
            }

            var left = shutdown.Deadline - input.Now;
            var bounded = left < grace ? left : grace;
            bounded = bounded > TimeSpan.Zero ? bounded : TimeSpan.Zero;
            return new PodTermination
            {
                Kind = PodTerminationKind.Shutdown,
                Grace = bounded,
                PreStopHooks = bounded > TimeSpan.Zero ? Hooks(pod, observed) : [],
                ContainersToKill = Running(observed, name => "Stopping container " + name + ": node is shutting down"),
                ReportFinalStatus = true,
                FailedAs = new PodFailure(ShutdownReason, ShutdownMessage),
                SandboxesToStop = [.. observed.Sandboxes.Where(s => s.IsReady).Select(s => s.Id)],
            };
        }

        return null;
    }

    /// <summary>The kubelet's words for a pod stopped by a node shutdown (pkg/kubelet/nodeshutdown), so tools that know them read ours.</summary>
    public const string ShutdownReason = "Terminated";
    public const string ShutdownMessage = "Pod was terminated in response to imminent node shutdown.";

    private static List<ContainerToKill> Running(ObservedPod observed, Func<string, string> reason) =>
        [.. observed.Containers.Where(c => c.IsRunning).Select(c => new ContainerToKill(c.Id, c.Name, reason(c.Name)))];

    /// <summary>The preStop hooks of the running containers: the latest running container of each hooked spec.</summary>
    private static List<PreStopHook> Hooks(Pod pod, ObservedPod observed)
    {
        var hooks = new List<PreStopHook>();
        foreach (var spec in pod.Spec.Containers)
        {
            if (spec.Lifecycle?.PreStop is not null
                && observed.Containers.Where(c => c.IsRunning && c.Name == spec.Name).MaxBy(c => c.Attempt) is { } running)
            {
                hooks.Add(new PreStopHook(running.Id, spec));
            }
        }

        return hooks;
    }

    /// <summary>The plan being built: the decisions per container, in spec order.</summary>
    private sealed class Plan(PodSyncInput input, bool terminal)
    {
        private readonly List<ContainerToKill> _kills = [];
        private readonly List<ContainerToStart> _starts = [];
        private readonly Dictionary<string, ContainerWaiting> _waiting = new(StringComparer.Ordinal);

        public string SandboxId { get; set; } = "";

        public uint SandboxAttempt { get; set; }

        public SandboxToCreate? CreateSandbox { get; set; }

        public List<string> SandboxesToRemove { get; } = [];

        public Dictionary<string, uint> Carried { get; } = new(StringComparer.Ordinal);

        private Pod Pod => input.Pod;

        private DateTimeOffset Now => input.Now;

        /// <summary>The containers of a name in the pod's sandbox, the latest first (none in a sandbox yet to be made).</summary>
        private IReadOnlyList<ObservedContainer> Mine(string name) =>
            CreateSandbox is not null ? [] : input.Observed.ContainersOf(SandboxId, name);

        private uint NextAttempt(string name) => Carried.TryGetValue(name, out var carried) ? carried : input.History.NextAttempt(name);

        /// <summary>
        /// One regular container's step towards running (or being done), as computePodActions' loop over the spec's
        /// containers: a running one is kept unless its liveness failed or its spec changed; one that is not running
        /// is started, restarted (after its back-off) or left as it ended, by the restart policy.
        /// </summary>
        public void Container(Container spec)
        {
            var name = spec.Name;
            var mine = Mine(name);
            var latest = mine.Count > 0 ? mine[0] : null;
            var specChanged = latest?.SpecHash is { } hash && hash != CriConfigFactory.Hash(spec);
            var killedUnhealthy = false;
            if (latest is { IsRunning: true })
            {
                string? kill = null;
                if (input.Unhealthy.TryGetValue(latest.Id, out var unhealthy))
                {
                    kill = unhealthy;
                    killedUnhealthy = true;
                }
                else if (specChanged && !terminal)
                {
                    kill = $"Container {name} definition changed, will be restarted";
                }

                if (kill is null)
                {
                    return;
                }

                _kills.Add(new ContainerToKill(latest.Id, name, kill));
                // From here on it is the container it will be once stopped: it finished now.
                latest = latest with { State = CriV1.ContainerState.ContainerExited, FinishedAt = Now.ToUnixTimeMilliseconds() * 1_000_000 };
            }

            if (latest is { State: CriV1.ContainerState.ContainerCreated } && !terminal)
            {
                // Created but never started (the agent stopped in between): start that one.
                _starts.Add(new ContainerToStart { Spec = spec, Attempt = latest.Attempt, CreatedId = latest.Id });
                return;
            }

            if (latest is null)
            {
                if (!terminal)
                {
                    _starts.Add(new ContainerToStart { Spec = spec, Attempt = NextAttempt(name) });
                }

                return;
            }

            var exited = latest.State is CriV1.ContainerState.ContainerExited or CriV1.ContainerState.ContainerCreated;
            var policy = RestartPolicy(Pod);
            // A container killed for failing its liveness probe restarts unless the policy is Never, whatever its exit
            // code; one whose spec changed restarts whatever the policy (both as the kubelet).
            var restart = exited && !terminal
                && (specChanged || policy == Always || (policy == OnFailure && (latest.ExitCode != 0 || killedUnhealthy)));
            if (restart)
            {
                Restart(spec, mine, latest, specChanged);
            }
        }

        private void Restart(Container spec, IReadOnlyList<ObservedContainer> mine, ObservedContainer latest, bool specChanged)
        {
            var name = spec.Name;
            var finishedAt = latest.FinishedAt > 0 ? PodStatusBuilder.FromNanos(latest.FinishedAt) : Now;
            if (!specChanged && input.History.RestartBackoffUntil(name, finishedAt, Now) is { } until)
            {
                _waiting[name] = new ContainerWaiting
                {
                    Kind = ContainerWaitingKind.BackOff,
                    Reason = "CrashLoopBackOff",
                    Message = $"back-off {Format(input.History.RestartBackoff(name))} restarting failed container={name} pod={Pod.Metadata.Name}_{CriConfigFactory.Namespace(Pod)}({CriConfigFactory.Uid(Pod)})",
                    Until = until,
                    ContainerId = latest.Id,
                };
                return;
            }

            _starts.Add(new ContainerToStart
            {
                Spec = spec,
                Attempt = latest.Attempt + 1,
                IsRestart = true,
                // Only the latest dead container is kept (it is the lastState); older ones go, as the kubelet's GC does.
                ContainersToRemove = [.. mine.Skip(1).Select(c => c.Id)],
            });
        }

        /// <summary>
        /// Init containers, as the kubelet's findNextInitContainerToRun: one at a time in order, each to success, before
        /// any regular container. A failed one is restarted (after its back-off) unless the policy is Never, which
        /// fails the pod. Returns whether initialization is done (the regular containers' turn).
        /// </summary>
        public bool InitializeOrDone()
        {
            var inits = InitContainers(Pod);
            // A regular container that runs means initialization finished earlier (an agent restart, say).
            if (CreateSandbox is null && Pod.Spec.Containers.Any(c => Mine(c.Name) is [{ IsRunning: true }, ..]))
            {
                return true;
            }

            for (var i = inits.Count - 1; i >= 0; i--)
            {
                if (Mine(inits[i].Name) is [var failed, ..] && InitFailed(failed))
                {
                    if (!terminal && RestartPolicy(Pod) != Never)
                    {
                        if (failed.State == CriV1.ContainerState.ContainerUnknown)
                        {
                            // CRI lost track of it: stop it first, so that two of it never run (as the kubelet).
                            _kills.Add(new ContainerToKill(failed.Id, failed.Name, $"Init container {failed.Name} is in \"Unknown\" state, try killing it before restart"));
                        }

                        Restart(inits[i], Mine(inits[i].Name), failed, specChanged: false);
                    }

                    return false;
                }
            }

            for (var i = inits.Count - 1; i >= 0; i--)
            {
                if (Mine(inits[i].Name) is not [var latest, ..])
                {
                    continue;
                }

                if (latest.IsRunning || latest.State == CriV1.ContainerState.ContainerCreated)
                {
                    if (latest.State == CriV1.ContainerState.ContainerCreated && !terminal)
                    {
                        _starts.Add(new ContainerToStart { Spec = inits[i], Attempt = latest.Attempt, CreatedId = latest.Id });
                    }

                    return false;
                }

                if (i == inits.Count - 1)
                {
                    return true;
                }

                StartInit(inits[i + 1]);
                return false;
            }

            StartInit(inits[0]);
            return false;
        }

        private void StartInit(Container spec)
        {
            if (!terminal)
            {
                _starts.Add(new ContainerToStart { Spec = spec, Attempt = NextAttempt(spec.Name) });
            }
        }

        /// <summary>The kubelet's isInitContainerFailed: it exited non-zero, or CRI lost track of it.</summary>
        private static bool InitFailed(ObservedContainer c) =>
            (c.IsExited && c.ExitCode != 0) || c.State == CriV1.ContainerState.ContainerUnknown;

        /// <summary>
        /// Starts that cannot happen yet become waits, as the kubelet's: every start while a volume is not set up
        /// (ContainerCreating), a start whose config cannot be made (CreateContainerConfigError). A container made
        /// before and never started has its config already and starts.
        /// </summary>
        private List<ContainerToStart> Startable()
        {
            if (input.VolumeError is null && input.ConfigErrors.Count == 0)
            {
                return _starts;
            }

            var startable = new List<ContainerToStart>();
            foreach (var start in _starts)
            {
                var name = start.Spec.Name;
                if (start.CreatedId is null && input.VolumeError is { } volumeError)
                {
                    _waiting[name] = new ContainerWaiting { Kind = ContainerWaitingKind.NotCreated, Reason = "ContainerCreating", Message = volumeError };
                }
                else if (start.CreatedId is null && input.ConfigErrors.TryGetValue(name, out var configError))
                {
                    _waiting[name] = new ContainerWaiting { Kind = ContainerWaitingKind.NotCreated, Reason = CreateContainerConfigError, Message = configError };
                }
                else
                {
                    startable.Add(start);
                }
            }

            return startable;
        }

        public PodActions ToActions() => new()
        {
            SandboxId = SandboxId,
            SandboxAttempt = SandboxAttempt,
            CreateSandbox = CreateSandbox,
            SandboxesToRemove = SandboxesToRemove,
            AttemptsCarriedOver = Carried,
            ContainersToKill = _kills,
            ContainersToStart = Startable(),
            Waiting = _waiting,
        };
    }

    private static string Format(TimeSpan span) =>
        span.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#}s");
}
