using System.Globalization;
using System.Text;
using Drover.Api;

namespace Drover.Agent.Volumes;

/// <summary>
/// The downward API's values (kubelet's fieldpath.ExtractFieldPathAsString and ExtractResourceValueByContainerName),
/// shared by env vars and downwardAPI files. Pure.
/// </summary>
internal static class PodFields
{
    /// <summary>The value of <paramref name="fieldPath"/>, or null when the path is not one the downward API serves.</summary>
    public static string? Value(Pod pod, string fieldPath, string? podIp, string? hostIp)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(fieldPath);
        var meta = pod.Metadata;
        switch (fieldPath)
        {
            case "metadata.name": return meta.Name ?? "";
            case "metadata.namespace": return meta.Namespace ?? "default";
            case "metadata.uid": return meta.Uid ?? "";
            case "metadata.labels": return FormatMap(meta.Labels);
            case "metadata.annotations": return FormatMap(meta.Annotations);
            case "spec.nodeName": return pod.Spec.NodeName ?? "";
            case "spec.serviceAccountName": return pod.Spec.ServiceAccountName ?? "";
            case "status.podIP" or "status.podIPs": return podIp ?? "";
            case "status.hostIP" or "status.hostIPs": return hostIp ?? "";
        }

        var open = fieldPath.IndexOf("['", StringComparison.Ordinal);
        if (open > 0 && fieldPath.EndsWith("']", StringComparison.Ordinal) && fieldPath.Length >= open + 4)
        {
            var key = fieldPath[(open + 2)..^2];
            return fieldPath[..open] switch
            {
                "metadata.labels" => meta.Labels?.GetValueOrDefault(key) ?? "",
                "metadata.annotations" => meta.Annotations?.GetValueOrDefault(key) ?? "",
                _ => null,
            };
        }

        return null;
    }

    /// <summary>
    /// A container's request or limit in units of <paramref name="divisor"/>, rounded up (cpu 1 → whole cores); a limit
    /// not set is the node's allocatable, as the kubelet reports it. Null when the container or resource is unknown.
    /// </summary>
    public static string? Resource(Pod pod, string containerName, string resource, Quantity? divisor, NodeResources node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var container = pod.Spec.Containers.FirstOrDefault(c => c.Name == containerName);
        if (container is null)
        {
            return null;
        }

        var dot = resource.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return null;
        }

        var (kind, name) = (resource[..dot], resource[(dot + 1)..]);
        var values = kind == "limits" ? container.Resources?.Limits : kind == "requests" ? container.Resources?.Requests : null;
        if (kind is not ("limits" or "requests"))
        {
            return null;
        }

        if (name == "cpu")
        {
            long milli = values is not null && values.TryGetValue("cpu", out var cpu) ? cpu.MilliValue : kind == "limits" ? node.CpuMilli : 0;
            var per = Math.Max(1, (divisor ?? Quantity.FromInt64(1, QuantityFormat.DecimalSI)).MilliValue);
            return CeilDiv(milli, per).ToString(CultureInfo.InvariantCulture);
        }

        if (name is "memory" or "ephemeral-storage")
        {
            long bytes = values is not null && values.TryGetValue(name, out var amount) ? amount.Value
                : kind == "limits" ? (name == "memory" ? node.MemoryBytes : node.EphemeralStorageBytes) : 0;
            var per = Math.Max(1, (divisor ?? Quantity.FromInt64(1, QuantityFormat.DecimalSI)).Value);
            return CeilDiv(bytes, per).ToString(CultureInfo.InvariantCulture);
        }

        return null;
    }

    private static long CeilDiv(long value, long divisor) => value <= 0 ? 0 : ((value - 1) / divisor) + 1;

    /// <summary>kubelet's FormatMap: <c>key="value"</c> lines sorted by key, values quoted as Go's %q.</summary>
    public static string FormatMap(Dictionary<string, string>? map)
    {
        if (map is null || map.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder();
        foreach (var key in map.Keys.Order(StringComparer.Ordinal))
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(key).Append('=').Append('"');
            foreach (var c in map[key] ?? "")
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\r': sb.Append("\\r"); break;
                    case < ' ': sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                    default: sb.Append(c); break;
                }
            }

            sb.Append('"');
        }

        return sb.ToString();
    }
}
