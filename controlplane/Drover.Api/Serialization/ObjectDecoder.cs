using System.Text;
using System.Text.Json;

namespace Drover.Api;

/// <summary>
/// Reads one API object from JSON: finds its kind, checks its apiVersion, then decodes it strictly.
/// Every failure is a <see cref="ManifestException"/> naming the field, never a serializer stack trace.
/// </summary>
public static class ObjectDecoder
{
    public static KubeObject Decode(ReadOnlySpan<byte> json) => Decode(json, out _);

    public static KubeObject Decode(ReadOnlySpan<byte> json, out ResourceType type)
    {
        type = ResolveType(json);
        try
        {
            var obj = type.Deserialize(json);
            // "metadata": null (YAML "metadata:" with nothing under it) reads as Go reads it: an empty
            // ObjectMeta, so the required-field checks name metadata.name instead of code dereferencing null.
            return obj.Metadata is null ? obj with { Metadata = new() } : obj;
        }
        catch (JsonException e)
        {
            throw TranslateJsonError(e);
        }
    }

    /// <summary>
    /// As <see cref="Decode(ReadOnlySpan{byte}, out ResourceType)"/>, but a body that names neither kind nor apiVersion is
    /// read as <paramref name="urlType"/>, as the Kubernetes API server defaults both from the URL (client libraries such
    /// as KubernetesClient send objects without them). A body naming one of them is checked as usual.
    /// </summary>
    public static KubeObject Decode(ReadOnlySpan<byte> json, ResourceType urlType, out ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(urlType);
        if (JsonInput.FirstInvalidUtf8(json) is var bad and >= 0)
            throw new ManifestException($"the body is not valid UTF-8 (first bad byte at offset {bad})");
        var (apiVersion, kind) = ReadTypeMeta(json);
        if (!string.IsNullOrEmpty(apiVersion) || !string.IsNullOrEmpty(kind))
            return Decode(json, out type);
        type = urlType;
        try
        {
            var obj = urlType.Deserialize(json);
            return obj with { ApiVersion = urlType.ApiVersion, Kind = urlType.Kind, Metadata = obj.Metadata ?? new() };
        }
        catch (JsonException e)
        {
            throw TranslateJsonError(e);
        }
    }

    /// <summary>Reads apiVersion and kind from the top level and finds the matching resource type.</summary>
    public static ResourceType ResolveType(ReadOnlySpan<byte> json)
    {
        if (JsonInput.FirstInvalidUtf8(json) is var bad and >= 0)
            throw new ManifestException($"the body is not valid UTF-8 (first bad byte at offset {bad})");
        var (apiVersion, kind) = ReadTypeMeta(json);
        if (string.IsNullOrEmpty(kind))
            throw new ManifestException("kind: Required value: every object needs a kind", "kind");
        var type = ResourceTypes.FindByKind(kind)
            ?? throw new ManifestException($"kind: Unsupported value: \"{kind}\": no such kind; known kinds: {ResourceTypes.KnownKinds}", "kind");
        if (string.IsNullOrEmpty(apiVersion))
            throw new ManifestException($"apiVersion: Required value: {kind} needs apiVersion \"{type.ApiVersion}\"", "apiVersion");
        if (apiVersion != type.ApiVersion)
            throw new ManifestException($"apiVersion: Unsupported value: \"{apiVersion}\": {kind} is served as \"{type.ApiVersion}\"", "apiVersion");
        return type;
    }

    /// <summary>apiVersion and kind from the top level of a JSON object (either may be null), nothing else decoded.</summary>
    public static (string? ApiVersion, string? Kind) ReadTypeMeta(ReadOnlySpan<byte> json)
    {
        string? apiVersion = null, kind = null;
        var reader = new Utf8JsonReader(json, JsonInput.ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new ManifestException("the body must be a JSON or YAML object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isApiVersion = reader.ValueTextEquals("apiVersion"u8);
                var isKind = !isApiVersion && reader.ValueTextEquals("kind"u8);
                reader.Read();
                if ((isApiVersion || isKind) && reader.TokenType != JsonTokenType.String)
                    throw new ManifestException($"{(isKind ? "kind" : "apiVersion")}: Invalid value: must be a string", isKind ? "kind" : "apiVersion");
                if (isApiVersion) apiVersion = reader.GetString();
                else if (isKind) kind = reader.GetString();
                else reader.Skip();
            }
            // Read to the end so malformed JSON after the type fields is reported here, with its position.
            while (reader.Read()) { }
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new ManifestException($"malformed JSON at line {line}, column {column}: {StripPosition(e.Message)}", null, line, column, e);
        }
        return (apiVersion, kind);
    }

    public static ManifestException TranslateJsonError(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var path = ToFieldPath(e.Path);
        var message = FromResourceKey(StripPosition(e.Message));
        const string unmapped = "The JSON property '";
        if (message.StartsWith(unmapped, StringComparison.Ordinal))
        {
            var end = message.IndexOf('\'', unmapped.Length);
            var name = message[unmapped.Length..end];
            // System.Text.Json reports the path of the object; append the offending member.
            var field = path.EndsWith(name, StringComparison.Ordinal) ? path : Join(path, name);
            return new ManifestException($"{field}: unknown field \"{name}\"; it is not a field of this object or not supported by Drover", field, inner: e) { UnknownField = true };
        }
        if (message.StartsWith("Duplicate", StringComparison.Ordinal))
            return new ManifestException($"{(path.Length == 0 ? "(root)" : path)}: duplicate field: {message}", path, inner: e);
        if (message.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            var target = message["The JSON value could not be converted to ".Length..].TrimEnd('.');
            // System.Text.Json names the containing type; the inner exception knows what the field wanted.
            var expected = e.InnerException switch
            {
                InvalidOperationException { Message: var m } when m.EndsWith("as a string.", StringComparison.Ordinal) => "a string",
                InvalidOperationException { Message: var m } when m.EndsWith("as a number.", StringComparison.Ordinal) => "an integer",
                InvalidOperationException { Message: var m } when m.EndsWith("as a boolean.", StringComparison.Ordinal) => "true or false",
                FormatException => "an integer",
                _ => FriendlyType(target),
            };
            return new ManifestException($"{path}: Invalid value: expected {expected}", path, inner: e);
        }
        return new ManifestException($"{(path.Length == 0 ? "(root)" : path)}: Invalid value: {message}", path, inner: e);
    }

    /// <summary>
    /// The English message for the two System.Text.Json failures read above, when the binary was built with
    /// UseSystemResourceKeys (droverd and drover are): the message is then "UnmappedJsonProperty, NAME, TYPE" or
    /// "DeserializeUnableToConvertValue, TYPE" instead of the sentence.
    /// </summary>
    private static string FromResourceKey(string message)
    {
        var parts = message.Split(", ");
        return parts switch
        {
            ["UnmappedJsonProperty", var name, var type] => $"The JSON property '{name}' could not be mapped to any .NET member contained in type '{type}'.",
            ["DeserializeUnableToConvertValue", var type] => $"The JSON value could not be converted to {type}.",
            _ => message,
        };
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    /// <summary>"$.spec.containers[0]['a.b']" → "spec.containers[0][a.b]".</summary>
    internal static string ToFieldPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
            return "";
        var sb = new StringBuilder(jsonPath.Length);
        var s = jsonPath.AsSpan(1);
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == '.')
            {
                if (sb.Length > 0) sb.Append('.');
                i++;
            }
            else if (s.Slice(i).StartsWith("['"))
            {
                var end = s.Slice(i + 2).IndexOf("']");
                var name = end < 0 ? s.Slice(i + 2) : s.Slice(i + 2, end);
                sb.Append('[').Append(name).Append(']');
                i += end < 0 ? s.Length : end + 4;
            }
            else
            {
                sb.Append(s[i]);
                i++;
            }
        }
        return sb.ToString();
    }

    private static string StripPosition(string message) => JsonInput.StripPosition(message);

    private static string FriendlyType(string clrType) => clrType switch
    {
        "System.String" => "a string",
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "an integer",
        "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
        _ when clrType.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list",
        _ when clrType.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "a map",
        _ when clrType.StartsWith("Drover.Api.", StringComparison.Ordinal) => "an object",
        _ => clrType,
    };
}
