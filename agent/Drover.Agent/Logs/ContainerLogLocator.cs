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
        var filter = new CriV1.ContainerFilter();
        filter.LabelSelector[PodLabels.ManagedBy] = PodLabels.ManagedByValue;
        filter.LabelSelector[PodLabels.PodNamespace] = request.Namespace;
        filter.LabelSelector[PodLabels.PodName] = request.Pod;
        var all = await _cri.ListContainersAsync(filter, ct).ConfigureAwait(false);
        if (all.Count == 0)
        {
            var sandboxFilter = new CriV1.PodSandboxFilter();
            sandboxFilter.LabelSelector[PodLabels.ManagedBy] = PodLabels.ManagedByValue;
            sandboxFilter.LabelSelector[PodLabels.PodNamespace] = request.Namespace;
            sandboxFilter.LabelSelector[PodLabels.PodName] = request.Pod;
            var sandboxes = await _cri.ListPodSandboxAsync(sandboxFilter, ct).ConfigureAwait(false);
            throw sandboxes.Count == 0
                ? new LogRequestException(404, $"pod \"{request.Namespace}/{request.Pod}\" is not running on this node")
                : new LogRequestException(404, $"container \"{request.Container}\" in pod \"{request.Namespace}/{request.Pod}\" has not been created yet");
        }

        // A pod deleted and created again under its name briefly has containers of both: the newest pod wins.
        var uid = all.MaxBy(c => c.CreatedAt)!.Labels.GetValueOrDefault(PodLabels.PodUid);
        var attempts = all
            .Where(c => c.Labels.GetValueOrDefault(PodLabels.PodUid) == uid && c.Labels.GetValueOrDefault(PodLabels.ContainerName) == request.Container)
            .OrderByDescending(c => c.Metadata?.Attempt ?? 0)
            .ThenByDescending(c => c.CreatedAt)
            .ToList();
        if (attempts.Count == 0)
            throw new LogRequestException(404, $"container \"{request.Container}\" in pod \"{request.Namespace}/{request.Pod}\" is not found on this node");

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
