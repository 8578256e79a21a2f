using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Decoding under fieldValidation=Warn|Ignore: the strict decoder names one unknown field at a time, so each is removed
/// from the body and the body decoded again. The strict decoder stays the only decoder (one set of rules, one set of
/// error messages); the cost is one re-read per unknown field, bounded by <see cref="InputLimits.MaxUnknownFields"/>.
/// </summary>
public static class UnknownFields
{
    /// <summary>Decodes <paramref name="json"/>; <paramref name="dropped"/> receives the path of every field removed.</summary>
    public static KubeObject Decode(byte[] json, ResourceType urlType, FieldValidationMode mode, out ResourceType bodyType, List<string> dropped)
    {
        ArgumentNullException.ThrowIfNull(dropped);
        JsonNode? root = null;
        while (true)
        {
            try
            {
                return ObjectDecoder.Decode(json, urlType, out bodyType);
            }
            catch (ManifestException e) when (e.UnknownField && mode != FieldValidationMode.Strict && e.Field is { Length: > 0 } field)
            {
                if (dropped.Count >= InputLimits.MaxUnknownFields)
                    throw new ApiException(ApiErrors.BadRequest($"{field}: more than MaxUnknownFields = {InputLimits.MaxUnknownFields} unknown fields; fix the manifest or send fieldValidation=Strict to see the first"));
                root ??= JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = InputLimits.MaxDepth });
                if (root is null || !TryRemove(root, field))
                    throw;
                dropped.Add(field);
                json = JsonSerializer.SerializeToUtf8Bytes(root, NodeJsonContext.Default.JsonNode);
            }
        }
    }

    /// <summary>Removes the member at a field path as the decoder writes it (<c>spec.containers[0].foo</c>, <c>[a.b]</c> for a name with dots).</summary>
    public static bool TryRemove(JsonNode root, string fieldPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(fieldPath);
        var segments = Segments(fieldPath);
        if (segments.Count == 0)
            return false;
        var node = root;
        foreach (var segment in segments.Take(segments.Count - 1))
        {
            node = Child(node, segment);
            if (node is null)
                return false;
        }
        return node is JsonObject parent && parent.Remove(segments[^1]);
    }

    private static JsonNode? Child(JsonNode node, string segment) => node switch
    {
        JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
        JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count => array[index],
        _ => null,
    };

    private static List<string> Segments(string path)
    {
        var segments = new List<string>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }
            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                if (end < 0)
                    return [];
                segments.Add(path[(i + 1)..end]);
                i = end + 1;
                continue;
            }
            var next = path.IndexOfAny(['.', '['], i);
            var stop = next < 0 ? path.Length : next;
            segments.Add(path[i..stop]);
            i = stop;
        }
        return segments;
    }
}
