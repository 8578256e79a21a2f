using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// <c>?fieldSelector=spec.nodeName=node1,status.phase!=Failed</c>. Only the fields Kubernetes indexes
/// for each kind are accepted; anything else is a 400 naming the field, never silently ignored.
/// </summary>
public sealed class FieldSelector
{
    private readonly (string Field, bool Equal, string Value)[] _requirements;

    private FieldSelector((string, bool, string)[] requirements) => _requirements = requirements;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Length == 0;

    public static FieldSelector Parse(ResourceType type, string? text)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (string.IsNullOrWhiteSpace(text))
            return Everything;
        var requirements = new List<(string, bool, string)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (field, equal, value) = Split(part);
            if (!IsSupported(type, field))
                throw new ApiException(ApiErrors.BadRequest($"field label not supported: \"{field}\" for {type.Plural}; supported: {string.Join(", ", SupportedFields(type))}"));
            requirements.Add((field, equal, value));
        }
        return new FieldSelector([.. requirements]);
    }

    public bool Matches(KubeObject obj)
    {
        foreach (var (field, equal, value) in _requirements)
            if (string.Equals(ValueOf(obj, field) ?? "", value, StringComparison.Ordinal) != equal)
                return false;
        return true;
    }

    private static (string Field, bool Equal, string Value) Split(string part)
    {
        var notEqual = part.IndexOf("!=", StringComparison.Ordinal);
        if (notEqual > 0)
            return (part[..notEqual].Trim(), false, part[(notEqual + 2)..].Trim());
        var doubleEqual = part.IndexOf("==", StringComparison.Ordinal);
        if (doubleEqual > 0)
            return (part[..doubleEqual].Trim(), true, part[(doubleEqual + 2)..].Trim());
        var equal = part.IndexOf('=', StringComparison.Ordinal);
        if (equal > 0)
            return (part[..equal].Trim(), true, part[(equal + 1)..].Trim());
        throw new ApiException(ApiErrors.BadRequest($"invalid field selector \"{part}\": expected FIELD=VALUE, FIELD==VALUE or FIELD!=VALUE"));
    }

    private static bool IsSupported(ResourceType type, string field) => SupportedFields(type).Contains(field);

    private static string[] SupportedFields(ResourceType type) => type.Kind switch
    {
        "Pod" => ["metadata.name", "metadata.namespace", "spec.nodeName", "spec.schedulerName", "status.phase", "status.podIP"],
        "Node" => ["metadata.name", "spec.unschedulable"],
        "Event" => ["metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.name", "involvedObject.namespace", "involvedObject.uid", "reason", "type", "source"],
        "Secret" => ["metadata.name", "metadata.namespace", "type"],
        _ => ["metadata.name", "metadata.namespace"],
    };

    private static string? ValueOf(KubeObject obj, string field) => field switch
    {
        "metadata.name" => obj.Metadata.Name,
        "metadata.namespace" => obj.Metadata.Namespace,
        _ => obj switch
        {
            Pod pod => field switch
            {
                "spec.nodeName" => pod.Spec.NodeName,
                "spec.schedulerName" => pod.Spec.SchedulerName,
                "status.phase" => pod.Status?.Phase,
                "status.podIP" => pod.Status?.PodIP,
                _ => null,
            },
            Node node when field == "spec.unschedulable" => node.Spec.Unschedulable == true ? "true" : "false",
            Event ev => field switch
            {
                "involvedObject.kind" => ev.InvolvedObject.Kind,
                "involvedObject.name" => ev.InvolvedObject.Name,
                "involvedObject.namespace" => ev.InvolvedObject.Namespace,
                "involvedObject.uid" => ev.InvolvedObject.Uid,
                "reason" => ev.Reason,
                "type" => ev.Type,
                "source" => ev.Source?.Component,
                _ => null,
            },
            Secret secret when field == "type" => secret.Type,
            _ => null,
        },
    };
}
