using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Volumes;

/// <summary>
/// What a container's config needs beyond its spec, for one sync: the pod's objects (for env), its volumes (for
/// mounts) and the node. <see cref="For"/> gives the environment and mounts, or kubelet's reason not to create it
/// (CreateContainerConfigError).
/// </summary>
internal sealed class ContainerInputs
{
    public static readonly ContainerInputs Literal = new(PodObjects.None, PodVolumes.None, null, new NodeResources(0, 0, 0));

    private readonly PodObjects _objects;
    private readonly PodVolumes _volumes;
    private readonly string? _hostIp;
    private readonly NodeResources _node;

    public ContainerInputs(PodObjects objects, PodVolumes volumes, string? hostIp, NodeResources node)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(node);
        _objects = objects;
        _volumes = volumes;
        _hostIp = hostIp;
        _node = node;
    }

    /// <summary>Why the pod's containers cannot start yet (a volume failed), or null.</summary>
    public string? VolumeError => _volumes.Error;

    public sealed record Result(IReadOnlyList<KeyValuePair<string, string>> Env, IReadOnlyList<CriV1.Mount> Mounts, string? Error, IReadOnlyList<string> SkippedEnvKeys);

    public Result For(Pod pod, Container container, string? podIp)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        var env = EnvResolver.Resolve(pod, container, _objects, podIp, _hostIp, _node);
        if (env.Error is not null)
        {
            return new Result([], [], env.Error, []);
        }

        var mounts = ContainerMounts.Build(container, _volumes);
        return mounts.Error is not null ? new Result([], [], mounts.Error, []) : new Result(env.Env, mounts.Mounts, null, env.SkippedKeys);
    }

    /// <summary>
    /// The pod's imagePullSecrets as read for this sync, and the names that could not be (kubelet pulls without them
    /// and says so: FailedToRetrieveImagePullSecret).
    /// </summary>
    public (IReadOnlyList<Secret> Found, IReadOnlyList<string> Missing) PullSecrets(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var found = new List<Secret>();
        var missing = new List<string>();
        foreach (var reference in pod.Spec.ImagePullSecrets ?? [])
        {
            if (string.IsNullOrEmpty(reference?.Name))
            {
                continue;
            }

            if (_objects.Secret(pod.Metadata.Namespace ?? "default", reference.Name, optional: true) is ({ } secret, null))
            {
                found.Add(secret);
            }
            else
            {
                missing.Add(reference.Name);
            }
        }

        return (found, missing);
    }

    /// <summary>The containers that cannot be configured now, by name → why (checked before the plan; the pod IP does not matter for that).</summary>
    public IReadOnlyDictionary<string, string> ConfigErrors(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var container in pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []))
        {
            if (For(pod, container, podIp: null).Error is { } error)
            {
                errors[container.Name] = error;
            }
        }

        return errors;
    }
}
