using System.Text.Json.Nodes;

namespace Drover.Api.OpenApi.Tests;

/// <summary>Kubernetes' descriptions on droverd's OpenAPI v3 schemas, walked from each kind alongside Kubernetes' types.</summary>
public sealed class OpenApiDescriptionsTests
{
    private static Dictionary<string, JsonObject> Described()
    {
        using var descriptions = OpenApiDescriptions.Load();
        return new OpenApiSchemas(ResourceTypes.All, v3: true, descriptions).Definitions.ToDictionary(d => d.Key, d => d.Value);
    }

    private static JsonObject Definition(Dictionary<string, JsonObject> definitions, string type) => definitions[OpenApiSchemas.NamePrefix + type];

    [Fact]
    public void Schemas_DeploymentStrategy_KubernetesTextAndEnum()
    {
        var definitions = Described();

        var strategy = Definition(definitions, "DeploymentStrategy");
        Assert.Equal("DeploymentStrategy describes how to replace existing pods with new ones.", strategy["description"]!.GetValue<string>());
        var type = strategy["properties"]!["type"]!;
        Assert.StartsWith("Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is RollingUpdate.\n\nPossible enum values:\n - `\"Recreate\"` Kill all existing pods",
            type["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["Recreate", "RollingUpdate"], type["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        // A described $ref is wrapped in allOf (no siblings next to $ref in v3), as Kubernetes' documents do.
        var field = Definition(definitions, "DeploymentSpec")["properties"]!["strategy"]!;
        Assert.Equal("The deployment strategy to use to replace existing pods with new ones.", field["description"]!.GetValue<string>());
        Assert.Null(field["$ref"]);
        Assert.EndsWith("DeploymentStrategy", field["allOf"]![0]!["$ref"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Schemas_EveryKind_ItsTypeAndNearlyEveryFieldDescribed()
    {
        var definitions = Described();

        foreach (var kind in ResourceTypes.All)
            Assert.False(string.IsNullOrEmpty(definitions[OpenApiSchemas.NameOf(kind.ClrType)]["description"]?.GetValue<string>()), kind.Kind);
        // Reached through the walk, deep in a pod template: the container's fields.
        var container = Definition(definitions, "Container")["properties"]!.AsObject();
        Assert.All(container, p => Assert.True(p.Value!["description"] is not null, "Container." + p.Key));
        var fields = definitions.Values.SelectMany(d => d["properties"]?.AsObject() ?? []).ToList();
        var described = fields.Count(f => f.Value!["description"] is not null);
        Assert.True(described >= fields.Count * 9 / 10, $"{described} of {fields.Count} fields described");
    }

    [Fact]
    public void Schemas_WithoutDescriptions_NoneAdded()
    {
        var plain = new OpenApiSchemas(ResourceTypes.All, v3: true).Definitions;

        Assert.DoesNotContain(plain, d => d.Value.ContainsKey("description"));
    }
}
