using Drover.Agent.Cri;
using Drover.Agent.Pods;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Logs;

/// <summary>The log file of a container and whether it can still grow.</summary>
internal sealed record ContainerLogLocation(string ContainerId, string LogPath, uint Attempt);

/// <summary>
/// Finds a container's log file through CRI: the containers carry the kubelet's pod and container labels
/// (the agent's only memory of them), the newest attempt is the current container, the one before it the
/// previous, and ContainerStatus names the file (the sandbox's log directory joined with the container's
/// log path). The runtime is asked every time, so a restarted container is found at once.
/// </summary>
internal sealed class ContainerLogLocator
{
    private readonly CriClient _cri;

    public ContainerLogLocator(CriClient cri)
    {
        ArgumentNullException.ThrowIfNull(cri);
        _cri = cri;
    }

    public async Task<ContainerLogLocation> FindAsync(ContainerLogRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attempts = await FindAttemptsAsync(request.Namespace, request.Pod, request.Container, ct).ConfigureAwait(false);
        var container = attempts[0];
        if (request.Previous)
        {
            var current = container.Metadata?.Attempt ?? 0;
            container = attempts.FirstOrDefault(c => (c.Metadata?.Attempt ?? 0) < current)
                ?? throw new LogRequestException(400, $"previous terminated container \"{request.Container}\" in pod \"{request.Pod}\" not found");
        }

        CriV1.ContainerStatusResponse status;
        try
        {
            status = await _cri.ContainerStatusAsync(container.Id, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (CriException e) when (e.IsNotFound)
        {
            throw new LogRequestException(404, $"container \"{request.Container}\" in pod \"{request.Namespace}/{request.Pod}\" was removed meanwhile");
        }

        var path = status.Status?.LogPath;
        if (string.IsNullOrEmpty(path))
            throw new LogRequestException(404, $"the runtime keeps no log file for container \"{request.Container}\" in pod \"{request.Namespace}/{request.Pod}\"");
        return new ContainerLogLocation(container.Id, path, container.Metadata?.Attempt ?? 0);
    }

    /// <summary>The container's current attempt, which must be running (exec and attach go to it); 404 or 400 otherwise.</summary>
    public async Task<CriV1.Container> FindRunningAsync(string ns, string pod, string container, CancellationToken ct)
    {
        var current = (await FindAttemptsAsync(ns, pod, container, ct).ConfigureAwait(false))[0];
        return current.State == CriV1.ContainerState.ContainerRunning
            ? current
            : throw new LogRequestException(400, $"container {container} is not running (state {current.State}) in pod {ns}/{pod}");
    }

    /// <summary>The pod's ready sandbox (port forwarding enters its network namespace); 404 when there is none.</summary>
    public async Task<CriV1.PodSandbox> FindReadySandboxAsync(string ns, string pod, CancellationToken ct)
    {
        var sandboxes = await _cri.ListPodSandboxAsync(SandboxFilter(ns, pod), ct).ConfigureAwait(false);
        return sandboxes.Where(s => s.State == CriV1.PodSandboxState.SandboxReady).MaxBy(s => s.CreatedAt)
            ?? throw new LogRequestException(404, $"pod \"{ns}/{pod}\" has no running sandbox on this node");
    }

    /// <summary>The attempts of the named container of the newest pod of that name, newest first; 404 when there are none.</summary>
    private async Task<List<CriV1.Container>> FindAttemptsAsync(string ns, string pod, string container, CancellationToken ct)
    {
        var filter = new CriV1.ContainerFilter();
        filter.LabelSelector[PodLabels.ManagedBy] = PodLabels.ManagedByValue;
        filter.LabelSelector[PodLabels.PodNamespace] = ns;
        filter.LabelSelector[PodLabels.PodName] = pod;
        var all = await _cri.ListContainersAsync(filter, ct).ConfigureAwait(false);
        if (all.Count == 0)
        {
            var sandboxes = await _cri.ListPodSandboxAsync(SandboxFilter(ns, pod), ct).ConfigureAwait(false);
            throw sandboxes.Count == 0
                ? new LogRequestException(404, $"pod \"{ns}/{pod}\" is not running on this node")
                : new LogRequestException(404, $"container \"{container}\" in pod \"{ns}/{pod}\" has not been created yet");
        }

        // A pod deleted and created again under its name briefly has containers of both: the newest pod wins.
        var uid = all.MaxBy(c => c.CreatedAt)!.Labels.GetValueOrDefault(PodLabels.PodUid);
        var attempts = all
            .Where(c => c.Labels.GetValueOrDefault(PodLabels.PodUid) == uid && c.Labels.GetValueOrDefault(PodLabels.ContainerName) == container)
            .OrderByDescending(c => c.Metadata?.Attempt ?? 0)
            .ThenByDescending(c => c.CreatedAt)
            .ToList();
        return attempts.Count > 0
            ? attempts
            : throw new LogRequestException(404, $"container \"{container}\" in pod \"{ns}/{pod}\" is not found on this node");
    }

    private static CriV1.PodSandboxFilter SandboxFilter(string ns, string pod)
    {
        var filter = new CriV1.PodSandboxFilter();
        filter.LabelSelector[PodLabels.ManagedBy] = PodLabels.ManagedByValue;
        filter.LabelSelector[PodLabels.PodNamespace] = ns;
        filter.LabelSelector[PodLabels.PodName] = pod;
        return filter;
    }

    /// <summary>Whether the container can still write to its log (created or running); false once it exited or is gone.</summary>
    public async Task<bool> IsActiveAsync(string containerId, CancellationToken ct)
    {
        try
        {
            var status = await _cri.ContainerStatusAsync(containerId, cancellationToken: ct).ConfigureAwait(false);
            return status.Status?.State is CriV1.ContainerState.ContainerCreated or CriV1.ContainerState.ContainerRunning;
        }
        catch (CriException e) when (e.IsNotFound)
        {
            return false;
        }
    }
}
