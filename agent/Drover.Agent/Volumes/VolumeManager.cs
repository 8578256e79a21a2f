using Drover.Api;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Volumes;

/// <summary>
/// Makes a pod's volumes on the node and removes them with the pod, as the kubelet's volume manager with its
/// emptyDir, hostPath, configMap, secret, downwardAPI and projected plugins. Layout as the kubelet's:
/// <c>ROOT/UID/volumes/kubernetes.io~PLUGIN/NAME</c>. emptyDirs live as long as the pod (container restarts keep them);
/// a memory emptyDir, a secret and a projected volume are each a tmpfs, so secrets never touch the disk. Files of
/// configMap, secret, downwardAPI and projected volumes are written again on every sync (<see cref="AtomicWriter"/>:
/// nothing is written when nothing changed). One per agent; a pod's volumes are set up only by its own worker.
/// </summary>
internal sealed partial class VolumeManager
{
    private readonly string _root;
    private readonly NodeResources _node;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public VolumeManager(string root, NodeResources node, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _root = Path.GetFullPath(root);
        _node = node;
        _time = time;
        _logger = logger;
    }

    public string PodDirectory(string uid) => Path.Combine(_root, uid);

    public string VolumeDirectory(string uid, string plugin, string name) => Path.Combine(_root, uid, "volumes", "kubernetes.io~" + plugin, name);

    /// <summary>Sets up (or refreshes) every volume of the pod; a failed one is reported and the others still go on.</summary>
    public PodVolumes SetUp(Pod pod, PodObjects objects)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(objects);
        if (pod.Spec.Volumes is not { Count: > 0 } volumes)
        {
            return PodVolumes.None;
        }

        var uid = pod.Metadata.Uid ?? "";
        if (uid.Length == 0 || uid.Contains('/') || uid.StartsWith('.'))
        {
            return new PodVolumes { Error = "the pod has no usable uid" };
        }

        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var readOnly = new HashSet<string>(StringComparer.Ordinal);
        string? error = null;
        foreach (var volume in volumes)
        {
            try
            {
                var (path, isReadOnly) = SetUpOne(pod, uid, volume, objects);
                paths[volume.Name] = path;
                if (isReadOnly)
                {
                    readOnly.Add(volume.Name);
                }
            }
            catch (Exception e) when (e is VolumeException or IOException or UnauthorizedAccessException)
            {
                var message = $"MountVolume.SetUp failed for volume \"{volume.Name}\" : {e.Message}";
                error ??= message;
                LogSetUpFailed(pod.Metadata.Namespace, pod.Metadata.Name, volume.Name, e.Message);
            }
        }

        return new PodVolumes { Paths = paths, ReadOnly = readOnly, Error = error };
    }

    private (string Path, bool ReadOnly) SetUpOne(Pod pod, string uid, Volume volume, PodObjects objects)
    {
        switch (volume)
        {
            case { EmptyDir: { } emptyDir }:
            {
                var dir = VolumeDirectory(uid, "empty-dir", volume.Name);
                if (emptyDir.Medium == "Memory")
                {
                    EnsureTmpfs(dir, emptyDir.SizeLimit?.Value);
                }
                else
                {
                    Directory.CreateDirectory(dir);
                }

                return (dir, false);
            }

            case { HostPath: { } hostPath }:
                HostPaths.Check(hostPath);
                return (hostPath.Path, false);
            case { ConfigMap: { } configMap }:
                return (Write(VolumeDirectory(uid, "configmap", volume.Name), VolumePayloads.ConfigMap(pod, configMap, objects), tmpfs: false), true);
            case { Secret: { } secret }:
                return (Write(VolumeDirectory(uid, "secret", volume.Name), VolumePayloads.Secret(pod, secret, objects), tmpfs: true), true);
            case { DownwardAPI: { } downward }:
                return (Write(VolumeDirectory(uid, "downward-api", volume.Name), VolumePayloads.DownwardApi(pod, downward, _node), tmpfs: false), true);
            case { Projected: { } projected }:
                return (Write(VolumeDirectory(uid, "projected", volume.Name), VolumePayloads.Projected(pod, projected, objects, _node), tmpfs: true), true);
            default:
                throw new VolumeException("the volume has no source this agent knows");
        }
    }

    private string Write(string dir, VolumePayloads.Result payload, bool tmpfs)
    {
        if (payload.Error is not null)
        {
            throw new VolumeException(payload.Error);
        }

        if (tmpfs)
        {
            EnsureTmpfs(dir, null);
        }

        AtomicWriter.Write(dir, payload.Files, _time.GetUtcNow());
        return dir;
    }

    private static void EnsureTmpfs(string dir, long? sizeBytes)
    {
        Directory.CreateDirectory(dir);
        if (!LinuxMounts.IsMountPoint(dir))
        {
            LinuxMounts.MountTmpfs(dir, sizeBytes);
        }
    }

    /// <summary>Unmounts whatever the agent mounted for the pod and removes its directory; idempotent. Null, or why something stayed.</summary>
    public string? TearDown(string uid)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        var dir = PodDirectory(uid);
        if (!Directory.Exists(dir))
        {
            return null;
        }

        try
        {
            foreach (var mount in LinuxMounts.MountsUnder(dir))
            {
                LinuxMounts.Unmount(mount);
            }

            // Only the agent's own files are here (hostPaths are mounted by the runtime into containers, never here), and
            // Directory.Delete removes links without following them.
            Directory.Delete(dir, recursive: true);
            return null;
        }
        catch (Exception e) when (e is VolumeException or IOException or UnauthorizedAccessException)
        {
            LogTearDownFailed(uid, e.Message);
            return e.Message;
        }
    }

    /// <summary>The UIDs that have a directory here: after a restart, those without a pod are torn down.</summary>
    public IReadOnlyList<string> PodUids() =>
        Directory.Exists(_root) ? [.. Directory.EnumerateDirectories(_root).Select(Path.GetFileName).OfType<string>()] : [];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: volume {Volume} not set up: {Error}")]
    private partial void LogSetUpFailed(string? @namespace, string? pod, string volume, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Uid}: volumes not removed yet: {Error}")]
    private partial void LogTearDownFailed(string uid, string error);
}
