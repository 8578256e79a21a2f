using Drover.Api;

namespace Drover.Cli.Get;

/// <summary>One kind `get` reads, with the names asked for (none: list them all).</summary>
internal sealed record GetTarget(ResourceType Type, IReadOnlyList<string> Names);

/// <summary>
/// What `get` was asked for, as kubectl reads its arguments: `KIND [NAME…]`, `a,b [NAME…]`, `all` (the kinds in the
/// "all" category), or `KIND/NAME…` (one or several, any kinds).
/// </summary>
internal static class GetTargets
{
    public const int MaxKinds = 32;

    // kubectl's order for `get all` (discovery order of the "all" category).
    private static readonly string[] AllOrder = ["Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "HorizontalPodAutoscaler", "CronJob", "Job"];

    public static IReadOnlyList<GetTarget> Parse(string kind, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(names);
        if (kind.Contains('/', StringComparison.Ordinal))
            return BySlash([kind, .. names]);
        var kinds = kind.Split(',', StringSplitOptions.TrimEntries);
        if (kinds.Length > MaxKinds)
            throw new CliException($"error: {kinds.Length} resource types; at most {MaxKinds} are allowed");
        var types = new List<ResourceType>();
        foreach (var k in kinds)
        {
            if (k.Length == 0)
                throw new CliException($"error: arguments in resource/name form must have a single resource and name");
            var expanded = k == "all" ? AllCategory() : [ResourceKinds.Resolve(k)];
            types.AddRange(expanded.Where(t => !types.Contains(t)));
        }
        return types.Select(t => new GetTarget(t, names)).ToArray();
    }

    private static List<GetTarget> BySlash(IReadOnlyList<string> args)
    {
        var targets = new List<GetTarget>();
        foreach (var arg in args)
        {
            var slash = arg.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == arg.Length - 1)
                throw new CliException($"error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'drover get resource/<resource_name>' instead of 'drover get resource resource/<resource_name>'");
            var type = ResourceKinds.Resolve(arg[..slash]);
            var index = targets.FindIndex(t => t.Type == type);
            if (index < 0)
                targets.Add(new GetTarget(type, [arg[(slash + 1)..]]));
            else
                targets[index] = targets[index] with { Names = [.. targets[index].Names, arg[(slash + 1)..]] };
        }
        if (targets.Count > MaxKinds)
            throw new CliException($"error: {targets.Count} resource types; at most {MaxKinds} are allowed");
        return targets;
    }

    private static List<ResourceType> AllCategory() =>
        ResourceTypes.All.Where(t => t.Categories.Contains("all"))
            .OrderBy(t => Array.IndexOf(AllOrder, t.Kind) is var i && i < 0 ? int.MaxValue : i)
            .ToList();
}
