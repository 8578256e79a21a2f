using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Drover.Api;

namespace Drover.Agent.Configuration;

/// <summary>
/// The YAML config file: the same keys as the flags without their dashes (<c>node-name: edge-1</c>).
/// Lists may be YAML sequences or the flags' comma form; labels may also be a mapping. Unknown keys are
/// an error, so a typo never silently falls back to a default.
/// </summary>
internal static class AgentConfigFile
{
    public static Dictionary<string, string> Load(string path, IReadOnlySet<string> knownKeys)
    {
        ArgumentNullException.ThrowIfNull(knownKeys);
        string text;
        try
        {
            text = InputFiles.ReadText(path, InputLimits.MaxConfigFileBytes, nameof(InputLimits.MaxConfigFileBytes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ManifestException)
        {
            throw new AgentOptionsException($"--config: \"{path}\": {e.Message}", e);
        }
        return Parse(text, path, knownKeys);
    }

    /// <summary>The values of a config file's text (<paramref name="path"/> only names it in messages).</summary>
    internal static Dictionary<string, string> Parse(string text, string path, IReadOnlySet<string> knownKeys)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(knownKeys);
        if (string.IsNullOrWhiteSpace(text))
            return new Dictionary<string, string>(StringComparer.Ordinal);
        Dictionary<string, JsonElement>? document;
        try
        {
            var json = YamlToJson.ConvertSingle(text);
            document = JsonSerializer.Deserialize(json, AgentConfigJsonContext.Default.DictionaryStringJsonElement);
        }
        catch (Exception e) when (e is ManifestException or JsonException)
        {
            throw new AgentOptionsException($"--config: \"{path}\": {(e is JsonException ? "the file must be a mapping of keys to values" : e.Message)}", e);
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in document ?? [])
        {
            if (!knownKeys.Contains(key))
                throw new AgentOptionsException($"--config: \"{path}\": unknown key \"{key}\" (known keys: {string.Join(", ", knownKeys.Order(StringComparer.Ordinal))})");
            if (key == "config")
                throw new AgentOptionsException($"--config: \"{path}\": a config file cannot name another config file");
            if (value.ValueKind == JsonValueKind.Null)
                continue;
            values[key] = Flatten(path, key, value);
        }
        return values;
    }

    private static string Flatten(string path, string key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString()!;
            case JsonValueKind.Number:
                return value.GetRawText();
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Array:
                var items = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        throw new AgentOptionsException($"--config: \"{path}\": {key}: list items must be plain values");
                    items.Add(Flatten(path, key, item));
                }
                return string.Join(',', items);
            case JsonValueKind.Object:
                var pairs = new StringBuilder();
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        throw new AgentOptionsException($"--config: \"{path}\": {key}.{property.Name}: must be a plain value");
                    if (pairs.Length > 0)
                        pairs.Append(',');
                    pairs.Append(CultureInfo.InvariantCulture, $"{property.Name}={(property.Value.ValueKind == JsonValueKind.Null ? "" : Flatten(path, key, property.Value))}");
                }
                return pairs.ToString();
            default:
                throw new AgentOptionsException($"--config: \"{path}\": {key}: unsupported value");
        }
    }
}

[JsonSourceGenerationOptions(MaxDepth = InputLimits.MaxDepth)]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class AgentConfigJsonContext : JsonSerializerContext;
