using System.Text.Json.Nodes;

namespace Drover.ControlPlane.Api;

/// <summary>JSON merge patch (RFC 7386): objects merge key by key, null deletes, anything else replaces.</summary>
public static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
            return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
                continue;
            }
            var existing = result[name];
            result.Remove(name);
            result[name] = Apply(existing?.DeepClone(), value);
        }
        return result;
    }
}
