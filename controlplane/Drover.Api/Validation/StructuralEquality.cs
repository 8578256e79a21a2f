using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Drover.Api;

/// <summary>
/// Deep equality for immutability checks. Records compare their lists and dictionaries by reference,
/// so values are compared through their JSON form instead (source-generated, AOT safe); object
/// members compare regardless of order, as a map's entries have none.
/// </summary>
internal static class StructuralEquality
{
    public static bool PodSpecs(PodSpec? a, PodSpec? b) => Equal(a, b, ApiJsonContext.Default.PodSpec);

    public static bool Selectors(LabelSelector? a, LabelSelector? b) => Equal(a, b, ApiJsonContext.Default.LabelSelector);

    public static bool Equal<T>(T? a, T? b, JsonTypeInfo<T> typeInfo) where T : class
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a is null || b is null)
            return false;
        using var left = JsonSerializer.SerializeToDocument(a, typeInfo);
        using var right = JsonSerializer.SerializeToDocument(b, typeInfo);
        return JsonElement.DeepEquals(left.RootElement, right.RootElement);
    }

    public static bool Maps<TValue>(Dictionary<string, TValue>? a, Dictionary<string, TValue>? b, Func<TValue, TValue, bool> valueEquals)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
            return false;
        if (a is null || b is null)
            return true;
        foreach (var (key, value) in a)
            if (!b.TryGetValue(key, out var other) || !valueEquals(value, other))
                return false;
        return true;
    }
}
