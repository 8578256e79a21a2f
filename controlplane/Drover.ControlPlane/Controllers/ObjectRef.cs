using Drover.Api;

namespace Drover.ControlPlane.Controllers;

/// <summary>Names one stored object: enough to read or delete it again.</summary>
public sealed record ObjectRef(ResourceType Type, string? Namespace, string Name)
{
    public static ObjectRef Of(ResourceType type, ObjectMeta meta) => new(type, type.Namespaced ? meta.Namespace : null, meta.Name ?? "");

    public override string ToString() => Namespace is null ? $"{Type.QualifiedName}/{Name}" : $"{Type.QualifiedName}/{Namespace}/{Name}";
}
