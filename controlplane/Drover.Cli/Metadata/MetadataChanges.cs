using System.Text.Json.Nodes;

namespace Drover.Cli.Metadata;

/// <summary>
/// kubectl label/annotate's arguments and decision, kept pure: which words name objects and which change keys
/// (<c>key=value</c> sets, <c>key-</c> removes), and what one object's map becomes. Without --overwrite a key that
/// already has a different value is an error, as kubectl says it.
/// </summary>
internal sealed record MetadataChanges(IReadOnlyDictionary<string, string?> Changes)
{
    /// <summary>Splits the command's words: resources first, then the changes (kubectl accepts them in that order).</summary>
    public static (IReadOnlyList<string> Resources, MetadataChanges Changes) Parse(IReadOnlyList<string> args, string what)
    {
        ArgumentNullException.ThrowIfNull(args);
        var resources = new List<string>();
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                Add(changes, arg[..equals], arg[(equals + 1)..], arg);
            else if (arg.Length > 1 && arg.EndsWith('-'))
                Add(changes, arg[..^1], null, arg);             // no object name ends in '-', so this is a removal
            else if (equals == 0)
                throw new CliException($"error: invalid {what} spec: {arg}");
            else if (changes.Count > 0)
                throw new CliException($"error: all resources must be specified before {what} changes: {arg}");
            else
                resources.Add(arg);
        }
        if (changes.Count == 0)
            throw new CliException($"error: at least one {what} update is required");
        return (resources, new MetadataChanges(changes));
    }

    private static void Add(Dictionary<string, string?> changes, string key, string? value, string arg)
    {
        if (changes.ContainsKey(key))
            throw new CliException($"error: can not both modify and remove the same key: {arg}");
        changes[key] = value;
    }

    /// <summary>
    /// The merge patch for <c>metadata.labels</c> (or annotations) of an object whose map is <paramref name="current"/>,
    /// or null when nothing changes.
    /// </summary>
    public JsonObject? PatchFor(IReadOnlyDictionary<string, string>? current, bool overwrite, string field)
    {
        var map = new JsonObject();
        foreach (var (key, value) in Changes)
        {
            var had = current is not null && current.TryGetValue(key, out var existing) ? existing : null;
            if (value is null)
            {
                if (had is not null)
                    map[key] = null;
                continue;
            }
            if (had == value)
                continue;
            if (had is not null && !overwrite)
                throw new CliException($"error: '{key}' already has a value ({had}), and --overwrite is false");
            map[key] = value;
        }
        return map.Count == 0 ? null : new JsonObject { ["metadata"] = new JsonObject { [field] = map } };
    }
}
