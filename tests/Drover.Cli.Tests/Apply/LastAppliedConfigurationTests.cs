using System.Text.Json.Nodes;
using Drover.Cli.Apply;

namespace Drover.Cli.Apply.Tests;

public class LastAppliedConfigurationTests
{
    [Fact]
    public void WithAnnotation_ManifestWithoutAnnotations_AddsCompactManifest()
    {
        var manifest = (JsonObject)JsonNode.Parse("""{"kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1"}}""")!;
        var result = LastAppliedConfiguration.WithAnnotation(manifest);
        Assert.Equal("""{"kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1"}}""",
            result["metadata"]!["annotations"]![LastAppliedConfiguration.Annotation]!.GetValue<string>());
    }

    [Fact]
    public void WithAnnotation_AppliedTwice_DoesNotNest()
    {
        var manifest = (JsonObject)JsonNode.Parse("""{"metadata":{"name":"x"}}""")!;
        var once = LastAppliedConfiguration.WithAnnotation(manifest);
        var twice = LastAppliedConfiguration.WithAnnotation(once);
        Assert.True(JsonNode.DeepEquals(once, twice));
    }

    [Fact]
    public void Read_UnparsableAnnotation_ReturnsNull()
    {
        var live = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [LastAppliedConfiguration.Annotation] = "{not json" } } };
        Assert.Null(LastAppliedConfiguration.Read(live));
    }
}
