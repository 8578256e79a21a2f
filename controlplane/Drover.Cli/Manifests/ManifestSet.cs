namespace Drover.Cli.Manifests;

/// <summary>Everything read from `-f`: the objects, and a message per document that could not be used.</summary>
internal sealed record ManifestSet(IReadOnlyList<ManifestObject> Objects, IReadOnlyList<string> Errors);
