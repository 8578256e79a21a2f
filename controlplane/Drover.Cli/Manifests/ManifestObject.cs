using System.Text.Json.Nodes;
using Drover.Api;

namespace Drover.Cli.Manifests;

/// <summary>One decoded object of a manifest: the JSON as written (what apply diffs) and the typed object (what we validated).</summary>
internal sealed record ManifestObject(string Source, int Document, long Line, JsonObject Json, KubeObject Object, ResourceType Type)
{
    public string Name => Object.Metadata.Name ?? "";
}
