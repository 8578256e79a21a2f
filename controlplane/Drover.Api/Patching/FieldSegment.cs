using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>A field name, a keyed list element (Name = the merge key, Value = its value) or a set member (Value).</summary>
public sealed record FieldSegment(FieldSegmentKind Kind, string? Name, JsonNode? Value)
{
    public static FieldSegment Field(string name) => new(FieldSegmentKind.Field, name, null);
}
