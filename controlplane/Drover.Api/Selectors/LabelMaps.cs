namespace Drover.Api;

/// <summary>Comparisons of label and annotation maps, where an absent map and an empty one mean the same.</summary>
public static class LabelMaps
{
    /// <summary>Same keys with the same values (ordinal), null counting as empty.</summary>
    public static bool Same(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
            return false;
        foreach (var (key, value) in a ?? new Dictionary<string, string>())
        {
            if (!b!.TryGetValue(key, out var other) || !string.Equals(other, value, StringComparison.Ordinal))
                return false;
        }
        return true;
    }
}
