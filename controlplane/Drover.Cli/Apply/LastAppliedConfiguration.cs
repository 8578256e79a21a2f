using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;

namespace Drover.Cli.Apply;

/// <summary>
/// The annotation client-side apply keeps its memory in (kubectl's name, so kubectl apply and drover apply
/// agree on what was applied last).
/// </summary>
internal static class LastAppliedConfiguration
{
    public const string Annotation = WellKnownAnnotations.LastAppliedConfiguration;

    /// <summary>
    /// The manifest as the annotation stores it: compact JSON in the user's key order, without the annotation
    /// itself (it would otherwise nest one level deeper on every apply).
    /// </summary>
    public static string Serialize(JsonObject manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var copy = (JsonObject)manifest.DeepClone();
        if (copy["metadata"]?["annotations"] is JsonObject annotations)
        {
            annotations.Remove(Annotation);
            if (annotations.Count == 0)
                ((JsonObject)copy["metadata"]!).Remove("annotations");
        }
        return copy.ToJsonString();
    }

    /// <summary>The manifest to send: a copy of <paramref name="manifest"/> carrying its own last-applied annotation.</summary>
    public static JsonObject WithAnnotation(JsonObject manifest)
    {
        var value = Serialize(manifest);
        var copy = (JsonObject)manifest.DeepClone();
        if (copy["metadata"] is not JsonObject metadata)
            copy["metadata"] = metadata = new JsonObject();
        if (metadata["annotations"] is not JsonObject annotations)
            metadata["annotations"] = annotations = new JsonObject();
        annotations[Annotation] = value;
        return copy;
    }

    /// <summary>The previous manifest from a live object, or null when it was never applied (or the value is unreadable).</summary>
    public static JsonObject? Read(JsonObject live)
    {
        ArgumentNullException.ThrowIfNull(live);
        if (live["metadata"]?["annotations"]?[Annotation] is not JsonValue value || !value.TryGetValue<string>(out var text))
            return null;
        try
        {
            return JsonNode.Parse(text, documentOptions: JsonInput.DocumentOptions) as JsonObject;
        }
        catch (JsonException)
        {
            // Someone hand-edited the annotation; treat the object as never applied rather than fail.
            return null;
        }
    }
}
