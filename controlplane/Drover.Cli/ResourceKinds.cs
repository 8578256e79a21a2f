using Drover.Api;

namespace Drover.Cli;

internal static class ResourceKinds
{
    /// <summary>Resolves a command-line kind (po, deploy, deployments.apps ...) or fails with kubectl's wording.</summary>
    public static ResourceType Resolve(string name) =>
        ResourceTypes.FindByCommandLineName(name)
        ?? throw new CliException($"error: the server doesn't have a resource type \"{name}\"");

    /// <summary>"deployments.apps", the plural form kubectl uses in NotFound messages.</summary>
    public static string PluralQualified(ResourceType type) =>
        type.Group.Length == 0 ? type.Plural : type.Plural + "." + type.Group;
}
