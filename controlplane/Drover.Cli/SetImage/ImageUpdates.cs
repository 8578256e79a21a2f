using Drover.Api;

namespace Drover.Cli.SetImage;

/// <summary>`set image`'s CONTAINER=IMAGE pairs: parsed, then applied to a pod spec with kubectl's rules.</summary>
internal static class ImageUpdates
{
    /// <summary>Splits the command's arguments: those with "=" are image updates, the others name resources.</summary>
    public static (IReadOnlyList<string> Resources, IReadOnlyList<ImageUpdate> Updates) Split(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var resources = new List<string>();
        var updates = new List<ImageUpdate>();
        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                resources.Add(arg);
                continue;
            }
            var container = arg[..equals];
            var image = arg[(equals + 1)..];
            if (container.Length == 0 || image.Length == 0 || image.Any(char.IsWhiteSpace))
                throw new CliException($"error: invalid image update \"{arg}\": expected CONTAINER_NAME=CONTAINER_IMAGE, e.g. app=my-app:v2.0");
            if (updates.Any(u => u.Container == container))
                throw new CliException($"error: container \"{container}\" is given more than one image");
            updates.Add(new ImageUpdate(container, image));
        }
        if (updates.Count == 0)
            throw new CliException("error: at least one image update is required: CONTAINER_NAME=CONTAINER_IMAGE, e.g. app=my-app:v2.0");
        return (resources, updates);
    }

    /// <summary>
    /// <paramref name="spec"/> with the images replaced (init containers included, as kubectl does). A named
    /// container that is not in the spec is an error naming it and the containers there are.
    /// </summary>
    public static PodSpec Apply(PodSpec spec, IReadOnlyList<ImageUpdate> updates, string target)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(updates);
        var all = spec.Containers.Concat(spec.InitContainers ?? []).Select(c => c.Name).ToList();
        foreach (var update in updates)
        {
            if (update.Container != "*" && !all.Contains(update.Container))
                throw new CliException($"error: unable to find container named \"{update.Container}\" in {target} (containers: {(all.Count == 0 ? "none" : string.Join(", ", all))})");
        }
        return spec with
        {
            Containers = [.. spec.Containers.Select(c => Update(c, updates))],
            InitContainers = spec.InitContainers is null ? null : [.. spec.InitContainers.Select(c => Update(c, updates))],
        };
    }

    private static Container Update(Container container, IReadOnlyList<ImageUpdate> updates)
    {
        // A named update wins over "*", whatever the order they were given in.
        var image = updates.FirstOrDefault(u => u.Container == container.Name)?.Image ?? updates.FirstOrDefault(u => u.Container == "*")?.Image;
        return image is null ? container : container with { Image = image };
    }
}
