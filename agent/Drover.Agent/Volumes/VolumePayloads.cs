using System.Text;
using Drover.Api;

namespace Drover.Agent.Volumes;

/// <summary>
/// The files of a configMap, secret, downwardAPI or projected volume (kubelet's MakePayload and
/// CollectData): pure, from the pod, its objects and the node. An error is kubelet's message for FailedMount.
/// </summary>
internal static class VolumePayloads
{
    private const int DefaultMode = 420;

    public sealed record Result(Dictionary<string, FileProjection> Files, string? Error)
    {
        public static Result Failed(string error) => new([], error);
    }

    public static Result ConfigMap(Pod pod, ConfigMapVolumeSource source, PodObjects objects)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(objects);
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        var error = AddConfigMap(pod, source.Name ?? "", source.Items, source.Optional == true, source.DefaultMode ?? DefaultMode, objects, files);
        return new Result(files, error);
    }

    public static Result Secret(Pod pod, SecretVolumeSource source, PodObjects objects)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(objects);
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        var error = AddSecret(pod, source.SecretName ?? "", source.Items, source.Optional == true, source.DefaultMode ?? DefaultMode, objects, files);
        return new Result(files, error);
    }

    public static Result DownwardApi(Pod pod, DownwardAPIVolumeSource source, NodeResources node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(source);
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        var error = AddDownward(pod, source.Items, source.DefaultMode ?? DefaultMode, node, files);
        return new Result(files, error);
    }

    public static Result Projected(Pod pod, ProjectedVolumeSource source, PodObjects objects, NodeResources node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(source);
        var mode = source.DefaultMode ?? DefaultMode;
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        foreach (var projection in source.Sources ?? [])
        {
            var error = projection switch
            {
                { Secret: { } secret } => AddSecret(pod, secret.Name ?? "", secret.Items, secret.Optional == true, mode, objects, files),
                { ConfigMap: { } configMap } => AddConfigMap(pod, configMap.Name ?? "", configMap.Items, configMap.Optional == true, mode, objects, files),
                { DownwardAPI: { } downward } => AddDownward(pod, downward.Items, mode, node, files),
                _ => null,
            };
            if (error is not null)
            {
                return Result.Failed(error);
            }
        }

        return new Result(files, null);
    }

    private static string? AddConfigMap(Pod pod, string name, List<KeyToPath>? items, bool optional, int mode, PodObjects objects, Dictionary<string, FileProjection> files)
    {
        var (map, error) = objects.ConfigMap(Namespace(pod), name, optional);
        if (error is not null)
        {
            return error;
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in map?.Data ?? [])
        {
            data[key] = Encoding.UTF8.GetBytes(value ?? "");
        }

        foreach (var (key, value) in map?.BinaryData ?? [])
        {
            data[key] = value ?? [];
        }

        return AddKeys(data, items, optional, mode, "configmap references non-existent config key: ", files);
    }

    private static string? AddSecret(Pod pod, string name, List<KeyToPath>? items, bool optional, int mode, PodObjects objects, Dictionary<string, FileProjection> files)
    {
        var (secret, error) = objects.Secret(Namespace(pod), name, optional);
        if (error is not null)
        {
            return error;
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in secret?.Data ?? [])
        {
            data[key] = value ?? [];
        }

        return AddKeys(data, items, optional, mode, "secret references non-existent secret key: ", files);
    }

    private static string? AddKeys(Dictionary<string, byte[]> data, List<KeyToPath>? items, bool optional, int mode, string missingKey, Dictionary<string, FileProjection> files)
    {
        if (items is null || items.Count == 0)
        {
            foreach (var (key, value) in data)
            {
                files[key] = new FileProjection(value, mode);
            }

            return null;
        }

        foreach (var item in items)
        {
            if (!data.TryGetValue(item.Key, out var value))
            {
                if (optional)
                {
                    continue;
                }

                return missingKey + item.Key;
            }

            files[item.Path] = new FileProjection(value, item.Mode ?? mode);
        }

        return null;
    }

    private static string? AddDownward(Pod pod, List<DownwardAPIVolumeFile>? items, int mode, NodeResources node, Dictionary<string, FileProjection> files)
    {
        foreach (var item in items ?? [])
        {
            string? value;
            if (item.FieldRef is { } fieldRef)
            {
                // A volume file cannot hold the pod's IPs: they may change while the file stays (validation refuses them).
                value = PodFields.Value(pod, fieldRef.FieldPath, podIp: null, hostIp: null);
                if (value is null)
                {
                    return $"unsupported fieldPath {fieldRef.FieldPath}";
                }
            }
            else if (item.ResourceFieldRef is { } resourceRef)
            {
                value = PodFields.Resource(pod, resourceRef.ContainerName ?? "", resourceRef.Resource, resourceRef.Divisor, node);
                if (value is null)
                {
                    return $"unsupported resourceFieldRef {resourceRef.ContainerName}/{resourceRef.Resource}";
                }
            }
            else
            {
                continue;
            }

            files[item.Path] = new FileProjection(Encoding.UTF8.GetBytes(value), item.Mode ?? mode);
        }

        return null;
    }

    private static string Namespace(Pod pod) => pod.Metadata.Namespace ?? "default";
}
