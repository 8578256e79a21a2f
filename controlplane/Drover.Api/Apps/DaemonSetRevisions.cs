using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.Api;

/// <summary>
/// What a DaemonSet's ControllerRevision holds, written and read one way for the controller and `rollout undo`:
/// <c>{"spec":{"template":{…,"$patch":"replace"}}}</c>, the strategic merge patch that puts the template back, as
/// Kubernetes' daemon controller writes it (so kubectl's rollout undo reads ours too).
/// </summary>
public static class DaemonSetRevisions
{
    public const string PatchDirective = "$patch";

    public static JsonElement Data(PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var node = JsonSerializer.SerializeToNode(template, ApiJsonContext.Default.PodTemplateSpec)!.AsObject();
        node[PatchDirective] = "replace";
        var data = new JsonObject { ["spec"] = new JsonObject { ["template"] = node } };
        using var document = JsonDocument.Parse(data.ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>The template a revision recorded; null when its data is not a DaemonSet template (another controller's revision).</summary>
    public static PodTemplateSpec? TemplateOf(ControllerRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        if (revision.Data is not { ValueKind: JsonValueKind.Object } data
            || !data.TryGetProperty("spec", out var spec) || spec.ValueKind != JsonValueKind.Object
            || !spec.TryGetProperty("template", out var template) || template.ValueKind != JsonValueKind.Object)
            return null;
        var node = JsonNode.Parse(template.GetRawText())!.AsObject();
        node.Remove(PatchDirective);
        try
        {
            return JsonSerializer.Deserialize(node.ToJsonString(), ApiJsonContext.Default.PodTemplateSpec);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
