using Drover.Api;

namespace Drover.Agent.Volumes;

/// <summary>
/// Before each sync of a pod that runs: reads its ConfigMaps and Secrets, sets up (or refreshes) its volumes, and
/// hands the result to the plan and the executor as <see cref="ContainerInputs"/>. One per agent.
/// </summary>
internal sealed class ContainerInputsSource
{
    private readonly PodObjectReader _reader;
    private readonly VolumeManager _volumes;
    private readonly NodeResources _node;
    private readonly string _hostIp;

    public ContainerInputsSource(PodObjectReader reader, VolumeManager volumes, NodeResources node, string hostIp)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(hostIp);
        _reader = reader;
        _volumes = volumes;
        _node = node;
        _hostIp = hostIp;
    }

    public VolumeManager Volumes => _volumes;

    public async Task<ContainerInputs> PrepareAsync(Pod pod, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var objects = await _reader.ReadAsync(pod, ct).ConfigureAwait(false);
        var volumes = _volumes.SetUp(pod, objects);
        return new ContainerInputs(objects, volumes, _hostIp, _node);
    }
}
