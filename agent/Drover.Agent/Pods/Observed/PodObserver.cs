using Drover.Agent.Cri;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Observed;

/// <summary>
/// Reads one pod's state from CRI: its sandboxes and containers by the pod-UID label, ContainerStatus of the
/// newest two containers of each name in the current sandbox, and PodSandboxStatus of that sandbox (its
/// address, remembered per sandbox: it does not change while the sandbox lives). Reads only; one per pod worker.
/// </summary>
internal sealed class PodObserver
{
    private readonly string _uid;
    private readonly CriClient _cri;
    private ObservedSandbox? _described;

    public PodObserver(string uid, CriClient cri)
    {
        ArgumentNullException.ThrowIfNull(uid);
        ArgumentNullException.ThrowIfNull(cri);
        _uid = uid;
        _cri = cri;
    }

    public async Task<ObservedPod> ObserveAsync(CancellationToken ct)
    {
        var listedSandboxes = await _cri.ListPodSandboxAsync(new CriV1.PodSandboxFilter { LabelSelector = { [PodLabels.PodUid] = _uid } }, ct).ConfigureAwait(false);
        var listedContainers = await _cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { [PodLabels.PodUid] = _uid } }, ct).ConfigureAwait(false);
        var pod = new ObservedPod([.. listedSandboxes.Select(ObservedSandbox.From)], [.. listedContainers.Select(ObservedContainer.From)]);
        if (pod.CurrentSandbox is not { } current)
        {
            return pod;
        }

        pod = pod.With(await DescribeAsync(current, ct).ConfigureAwait(false));
        foreach (var name in pod.Containers.Where(c => c.SandboxId == current.Id).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList())
        {
            // The latest is the container's state; the one before it is its lastState while the latest runs.
            foreach (var listed in pod.ContainersOf(current.Id, name).Take(2))
            {
                pod = await ContainerAsync(listed.Id, listed.SandboxId, ct).ConfigureAwait(false) is { } read ? pod.With(read) : pod.WithoutContainer(listed.Id);
            }
        }

        return pod;
    }

    /// <summary>A container's full status, or null when CRI no longer has it.</summary>
    public async Task<ObservedContainer?> ContainerAsync(string id, string sandboxId, CancellationToken ct)
    {
        try
        {
            var status = (await _cri.ContainerStatusAsync(id, cancellationToken: ct).ConfigureAwait(false)).Status;
            return status is null ? null : ObservedContainer.From(status, sandboxId);
        }
        catch (CriException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>The sandbox with its address and network mode (from the last read of the same sandbox when it had an address).</summary>
    public async Task<ObservedSandbox> DescribeAsync(ObservedSandbox sandbox, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        if (_described is { } known && known.Id == sandbox.Id)
        {
            return sandbox with { Ip = known.Ip, NetworkMode = known.NetworkMode };
        }

        CriV1.PodSandboxStatus status;
        try
        {
            status = (await _cri.PodSandboxStatusAsync(sandbox.Id, cancellationToken: ct).ConfigureAwait(false)).Status;
        }
        catch (CriException e) when (e.IsNotFound)
        {
            return sandbox;
        }

        var described = sandbox with
        {
            Ip = string.IsNullOrEmpty(status?.Network?.Ip) ? null : status.Network.Ip,
            NetworkMode = status?.Linux?.Namespaces?.Options is { } options ? options.Network : null,
        };
        if (described.Ip is not null)
        {
            _described = described;
        }

        return described;
    }
}
