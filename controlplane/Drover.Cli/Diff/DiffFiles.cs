using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Cli.Output;

namespace Drover.Cli.Diff;

/// <summary>
/// The two directories `diff` compares, as kubectl lays them out: LIVE-… and MERGED-… under the temp directory, one
/// file per object named GROUP.VERSION.KIND.NAMESPACE.NAME, each the object's YAML without managedFields.
/// </summary>
internal sealed class DiffFiles : IDisposable
{
    public DiffFiles()
    {
        Live = Directory.CreateTempSubdirectory("LIVE-").FullName;
        Merged = Directory.CreateTempSubdirectory("MERGED-").FullName;
    }

    public string Live { get; }

    public string Merged { get; }

    public void Add(ResourceType type, string? ns, string name, KubeObject? live, KubeObject? merged)
    {
        ArgumentNullException.ThrowIfNull(type);
        var group = type.Group.Length == 0 ? "" : type.Group + ".";
        var file = $"{group}{type.Version}.{type.Kind}.{ns ?? ""}.{name}";
        if (live is not null)
            File.WriteAllText(Path.Combine(Live, file), Yaml(type, live));
        if (merged is not null)
            File.WriteAllText(Path.Combine(Merged, file), Yaml(type, merged));
    }

    // kubectl leaves managedFields out of both sides: they change on every write and say nothing about the object.
    private static string Yaml(ResourceType type, KubeObject obj)
    {
        var node = JsonNode.Parse(JsonOutput.Object(type, obj))!;
        (node["metadata"] as JsonObject)?.Remove("managedFields");
        using var document = JsonDocument.Parse(node.ToJsonString());
        return YamlWriter.Write(document.RootElement);
    }

    public void Dispose()
    {
        Directory.Delete(Live, recursive: true);
        Directory.Delete(Merged, recursive: true);
    }
}
