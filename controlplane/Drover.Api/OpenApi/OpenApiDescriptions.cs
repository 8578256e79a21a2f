using System.IO.Compression;
using System.Text.Json;

namespace Drover.Api.OpenApi;

/// <summary>
/// Kubernetes' descriptions (and enum values) of the types and fields droverd serves, as its published OpenAPI has
/// them: generated from the Go doc comments of k8s.io/api and k8s.io/apimachinery 1.32 by
/// <c>generate_openapi_descriptions.py</c>, kept gzip-compressed in the binary (75 KB) and read only while the OpenAPI
/// documents are built; dispose it afterwards. Types are keyed as "apps/v1.DeploymentStrategy"; each field names the
/// type it holds, so <see cref="OpenApiSchemas"/> walks its own schema alongside Kubernetes' from each kind.
/// </summary>
public sealed class OpenApiDescriptions : IDisposable
{
    private const string ResourceName = "Drover.Api.OpenApi.OpenApiDescriptions.json.gz";

    private readonly JsonDocument _document;
    private readonly JsonElement _types;

    private OpenApiDescriptions(JsonDocument document)
    {
        _document = document;
        _types = document.RootElement.GetProperty("types");
    }

    public static OpenApiDescriptions Load()
    {
        using var stream = typeof(OpenApiDescriptions).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in Drover.Api");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        return new OpenApiDescriptions(JsonDocument.Parse(gzip));
    }

    /// <summary>The key of a kind's own type: its Go package (core for the empty group, else the group's first label) and version.</summary>
    public static string KeyOf(ResourceType kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var package = kind.Group.Length == 0 ? "core" : kind.Group.Split('.')[0];
        return $"{package}/{kind.Version}.{kind.Kind}";
    }

    /// <summary>A type's entry: "d" its description, "p" its fields by JSON name, each with "d", "e" (enum values), "r" (the type it holds).</summary>
    public bool TryGetType(string key, out JsonElement type) => _types.TryGetProperty(key, out type);

    public void Dispose() => _document.Dispose();
}
