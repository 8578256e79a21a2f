namespace Drover.Cli.Commands;

/// <summary>One resource as the server's discovery lists it (kubectl's APIResource with its group).</summary>
internal sealed record DiscoveredResource(
    string Name, string Group, string GroupVersion, bool Namespaced, string Kind,
    IReadOnlyList<string> ShortNames, IReadOnlyList<string> Verbs, IReadOnlyList<string> Categories);
