using Drover.Agent.Probes;
using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods;

internal sealed partial class PodWorker
{
    /// <summary>
    /// Kubernetes' preStop hooks of the pod's running containers, all at once, each bounded by the grace period:
    /// <c>sleep</c> waits, <c>exec</c> runs in the container through CRI and <c>httpGet</c> goes to the pod IP —
    /// the probe runner's handlers, since a hook is a probe that runs once. As with the kubelet, a failed hook
    /// is a FailedPreStopHook event, not a reason to keep the pod.
    /// </summary>
    private async Task RunPreStopHooksAsync(Pod pod, TimeSpan grace, CancellationToken ct)
    {
        var hooked = pod.Spec.Containers.Where(c => c.Lifecycle?.PreStop is not null).ToList();
        if (hooked.Count == 0)
            return;
        var filter = new CriV1.ContainerFilter { LabelSelector = { [PodLabels.PodUid] = _uid } };
        var running = (await _cri.ListContainersAsync(filter, ct).ConfigureAwait(false))
            .Where(c => c.State == CriV1.ContainerState.ContainerRunning).ToList();
        await Task.WhenAll(hooked.Select(spec =>
            running.Where(c => c.Metadata.Name == spec.Name).MaxBy(c => c.Metadata.Attempt) is { } container
                ? RunPreStopHookAsync(pod, spec, container.Id, grace, ct)
                : Task.CompletedTask)).ConfigureAwait(false);
    }

    private async Task RunPreStopHookAsync(Pod pod, Container spec, string containerId, TimeSpan grace, CancellationToken ct)
    {
        var hook = spec.Lifecycle!.PreStop!;
        if (hook.Sleep is { } sleep)
        {
            var wait = TimeSpan.FromSeconds(sleep.Seconds);
            await Task.Delay(wait < grace ? wait : grace, _time, ct).ConfigureAwait(false);
            return;
        }

        var outcome = await _probeRunner.RunAsync(new Probe { Exec = hook.Exec, HttpGet = hook.HttpGet }, new ProbeTarget(pod.Status?.PodIP ?? "", containerId, spec), grace, ct)
            .ConfigureAwait(false);
        if (outcome.Result != ProbeResult.Success)
        {
            _events.Record(pod, EventRecorder.Warning, "FailedPreStopHook", "PreStopHook failed: " + outcome.Message, spec.Name);
            LogPreStopFailed(Namespace(pod), pod.Metadata.Name, spec.Name, outcome.Message);
        }
    }
}
