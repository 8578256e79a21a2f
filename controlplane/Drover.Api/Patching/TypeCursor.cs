using System.Text.Json.Serialization.Metadata;

namespace Drover.Api.Patching;

/// <summary>
/// Where a patch is in the API types, read from System.Text.Json's source-generated metadata (no reflection, AOT-safe):
/// the type of a field, the element type of a list, and the field's row in <see cref="PatchStrategies"/>.
/// A field the types do not know has no cursor (its value is replaced, and strict decoding then refuses it).
/// </summary>
internal readonly record struct TypeCursor(JsonTypeInfo? Info)
{
    public static TypeCursor Of(Type type) => new(ApiJsonContext.Default.GetTypeInfo(type));

    public (TypeCursor Type, PatchStrategy? Strategy) Field(string name)
    {
        if (Info is { Kind: JsonTypeInfoKind.Dictionary })
            return (Element, null);
        if (Info is not { Kind: JsonTypeInfoKind.Object } info)
            return (default, null);
        foreach (var property in info.Properties)
        {
            if (property.Name == name)
                return (Of(property.PropertyType), PatchStrategies.Find(info.Type.Name, name));
        }
        return (default, null);
    }

    /// <summary>The type of a list's elements or a map's values.</summary>
    public TypeCursor Element => Info?.ElementType is { } element ? Of(element) : default;
}
