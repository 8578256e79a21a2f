using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Volumes;

/// <summary>
/// A container's volumeMounts as CRI mounts (kubelet's makeMounts): the volume's host path, or the subPath under it
/// (made as a directory when missing, refused when it leads out of the volume through a symlink); the API's data
/// volumes are always read-only, as the kubelet mounts them.
/// </summary>
internal static class ContainerMounts
{
    public sealed record Result(IReadOnlyList<CriV1.Mount> Mounts, string? Error);

    public static Result Build(Container container, PodVolumes volumes)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(volumes);
        var mounts = new List<CriV1.Mount>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!volumes.Paths.TryGetValue(mount.Name, out var hostPath))
            {
                return new Result([], $"volume \"{mount.Name}\" is not set up");
            }

            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                var (resolved, error) = SubPath(hostPath, mount.SubPath, makeMissing: !volumes.ReadOnly.Contains(mount.Name));
                if (error is not null)
                {
                    return new Result([], $"failed to prepare subPath for volumeMount \"{mount.Name}\" of container \"{container.Name}\": {error}");
                }

                hostPath = resolved!;
            }

            mounts.Add(new CriV1.Mount
            {
                ContainerPath = mount.MountPath,
                HostPath = hostPath,
                Readonly = mount.ReadOnly == true || volumes.ReadOnly.Contains(mount.Name),
                Propagation = mount.MountPropagation switch
                {
                    "HostToContainer" => CriV1.MountPropagation.PropagationHostToContainer,
                    "Bidirectional" => CriV1.MountPropagation.PropagationBidirectional,
                    _ => CriV1.MountPropagation.PropagationPrivate,
                },
            });
        }

        return new Result(mounts, null);
    }

    /// <summary>
    /// The subPath's real path, which must stay inside the volume: a container could otherwise plant a symlink in
    /// an emptyDir (<c>x → /etc</c>) and have the next container mount the host's /etc (CVE-2017-1002101).
    /// </summary>
    internal static (string? Path, string? Error) SubPath(string volumePath, string subPath, bool makeMissing)
    {
        if (subPath.StartsWith('/') || subPath.Split('/').Contains(".."))
        {
            return (null, $"subPath {subPath} must be a relative path within the volume");
        }

        var root = RealPath(volumePath);
        var candidate = Path.Combine(volumePath, subPath);
        if (!File.Exists(candidate) && !Directory.Exists(candidate))
        {
            if (new FileInfo(candidate).LinkTarget is not null)
            {
                return (null, $"subPath {subPath} is a symlink to nothing");
            }

            if (!makeMissing)
            {
                return (null, $"subPath {subPath} does not exist in the volume");
            }

            // Make it one segment at a time, each checked: a link planted in between must not redirect the creation.
            var current = root;
            foreach (var segment in subPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                current = Path.Combine(current, segment);
                if (!Directory.Exists(current) && !File.Exists(current))
                {
                    Directory.CreateDirectory(current);
                }

                if (!Inside(root, RealPath(current)))
                {
                    return (null, $"subPath {subPath} leads outside the volume");
                }
            }
        }

        var real = RealPath(candidate);
        return Inside(root, real) ? (real, null) : (null, $"subPath {subPath} leads outside the volume");
    }

    private static bool Inside(string root, string path) =>
        path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>Every symlink resolved, as realpath(3).</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var hops = 0;
            while (new FileInfo(next).LinkTarget is { } target)
            {
                if (++hops > 40)
                {
                    throw new IOException($"too many levels of symbolic links at {next}");
                }

                next = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
            }

            current = next;
        }

        return current;
    }
}
