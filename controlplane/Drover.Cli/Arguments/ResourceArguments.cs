using Drover.Api;

namespace Drover.Cli.Arguments;

/// <summary>
/// kubectl's "(TYPE NAME... | TYPE/NAME...)" arguments, checked against the kinds a verb works on, so
/// `deployment/x`, `deployments/x`, `deploy/x` and `deployment x` all name the same object.
/// </summary>
internal static class ResourceArguments
{
    public static IReadOnlyList<ResourceTarget> Parse(IReadOnlyList<string> args, string verb, IReadOnlyList<ResourceType> supported, bool single = false)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(supported);
        if (args.Count == 0)
            throw new CliException($"error: required resource not specified: give TYPE/NAME or TYPE NAME, e.g. {Example(supported)}");
        var targets = new List<ResourceTarget>();
        if (args.Any(a => a.Contains('/', StringComparison.Ordinal)))
        {
            foreach (var arg in args)
            {
                var slash = arg.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                    throw new CliException($"error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'drover {verb} {Example(supported)}' instead of 'drover {verb} {supported[0].Singular} {Example(supported)}'); got \"{string.Join(' ', args)}\"");
                var name = arg[(slash + 1)..];
                if (slash == 0 || name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
                    throw new CliException($"error: arguments in resource/name form must have a single resource and name: \"{arg}\"");
                targets.Add(new ResourceTarget(Supported(arg[..slash], arg, verb, supported), name));
            }
        }
        else
        {
            var type = Supported(args[0], args[0], verb, supported);
            if (args.Count == 1)
                throw new CliException($"error: resource(s) were provided, but no name was specified: give {type.Singular}/NAME or {type.Singular} NAME");
            targets.AddRange(args.Skip(1).Select(name => new ResourceTarget(type, name)));
        }
        if (single && targets.Count > 1)
            throw new CliException($"error: {verb} is only supported on individual resources - {targets.Count} resources were found ({string.Join(", ", targets.Select(t => t.Display))})");
        return targets;
    }

    private static ResourceType Supported(string kind, string arg, string verb, IReadOnlyList<ResourceType> supported)
    {
        var type = ResourceKinds.Resolve(kind);
        if (!supported.Contains(type))
            throw new CliException($"error: {verb} does not support {type.Plural} (\"{arg}\"); it works on {Join(supported)}");
        return type;
    }

    private static string Example(IReadOnlyList<ResourceType> supported) => supported[0].Singular + "/NAME";

    /// <summary>"deployments", "deployments or replicasets", "deployments, replicasets or pods".</summary>
    private static string Join(IReadOnlyList<ResourceType> types) => types.Count switch
    {
        1 => types[0].Plural,
        _ => string.Join(", ", types.Take(types.Count - 1).Select(t => t.Plural)) + " or " + types[^1].Plural,
    };
}
