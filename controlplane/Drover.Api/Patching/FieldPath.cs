using System.Text;
using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>
/// One field of an object as server-side apply tracks it: a path of segments, each a field name, a list element named
/// by its merge key (k:{"name":"app"}) or a set member (v:"a"). Printed as Kubernetes prints conflicts:
/// <c>.spec.template.spec.containers[name="app"].image</c>.
/// </summary>
public sealed record FieldPath(IReadOnlyList<FieldSegment> Segments)
{
    public FieldPath Append(FieldSegment segment) => new([.. Segments, segment]);

    public string Key => ToString();

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var s in Segments)
        {
            switch (s.Kind)
            {
                case FieldSegmentKind.Field:
                    sb.Append('.').Append(s.Name);
                    break;
                case FieldSegmentKind.Key:
                    sb.Append('[').Append(s.Name).Append('=').Append(s.Value!.ToJsonString()).Append(']');
                    break;
                default:
                    sb.Append('[').Append('=').Append(s.Value!.ToJsonString()).Append(']');
                    break;
            }
        }
        return sb.ToString();
    }

    public bool Equals(FieldPath? other) => other is not null && Key == other.Key;

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);
}
