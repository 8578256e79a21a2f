using System.Text.Json.Nodes;
using Drover.Api.Patching;

namespace Drover.Api.Patching.Tests;

/// <summary>Kubernetes' strategic merge patch semantics on droverd's types (cases from apimachinery's strategicpatch tests).</summary>
public class StrategicMergePatchTests
{
    private const string Template = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","finalizers":["a"]},
         "spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
          "template":{"spec":{"containers":[
            {"name":"app","image":"app:1","ports":[{"containerPort":80},{"containerPort":443}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
            {"name":"sidecar","image":"side:1","args":["x","y"]}]}}}}
        """;

    private static JsonObject Apply(string patch, string original = Template) =>
        StrategicMergePatch.Apply((JsonObject)JsonNode.Parse(original)!, (JsonObject)JsonNode.Parse(patch)!, typeof(Deployment));

    private static JsonArray Containers(JsonObject o) => o["spec"]!["template"]!["spec"]!["containers"]!.AsArray();

    [Fact]
    public void Apply_ContainerByName_MergesThatContainerOnly()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"side:2"}]}}}}""");

        Assert.Equal(["app:1", "side:2"], Containers(result).Select(c => c!["image"]!.GetValue<string>()));
        Assert.Equal(2, Containers(result)[1]!["args"]!.AsArray().Count);
    }

    [Fact]
    public void Apply_NewContainer_Appended()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"new","image":"n:1"}]}}}}""");

        Assert.Equal(["app", "sidecar", "new"], Containers(result).Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Apply_PortsByContainerPortAndEnvByName_Merged()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":443,"name":"https"}],"env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]}]}}}}""");
        var app = Containers(result)[0]!;

        Assert.Equal("""[{"containerPort":80},{"containerPort":443,"name":"https"}]""", app["ports"]!.ToJsonString());
        Assert.Equal("""[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}]""", app["env"]!.ToJsonString());
    }

    [Fact]
    public void Apply_DeleteDirective_RemovesTheElementByKey()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"},{"name":"app","env":[{"name":"A","$patch":"delete"}]}]}}}}""");

        var only = Assert.Single(Containers(result));
        Assert.Equal("""[{"name":"B","value":"2"}]""", only!["env"]!.ToJsonString());
    }

    [Fact]
    public void Apply_ReplaceDirectiveInList_ReplacesTheWholeList()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"o:1"}]}}}}""");

        Assert.Equal("""[{"name":"only","image":"o:1"}]""", Containers(result).ToJsonString());
    }

    [Fact]
    public void Apply_RetainKeys_DropsKeysNotListed()
    {
        var result = Apply("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");

        Assert.Equal("""{"type":"Recreate"}""", result["spec"]!["strategy"]!.ToJsonString());
    }

    [Fact]
    public void Apply_SetElementOrder_Tolerated()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"app:2"}]}}}}""");

        Assert.Equal(["app:2", "side:1"], Containers(result).Select(c => c!["image"]!.GetValue<string>()));
        Assert.False(result["spec"]!["template"]!["spec"]!.AsObject().ContainsKey("$setElementOrder/containers"));
    }

    [Fact]
    public void Apply_ListWithoutStrategy_Replaced()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","args":["z"]}]}}}}""");

        Assert.Equal("""["z"]""", Containers(result)[1]!["args"]!.ToJsonString());
    }

    [Fact]
    public void Apply_FinalizersSet_MergedAndDeletedFromPrimitiveList()
    {
        Assert.Equal("""["a","b"]""", Apply("""{"metadata":{"finalizers":["b","a"]}}""")["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal("[]", Apply("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""")["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void Apply_NullValue_DeletesTheField()
    {
        var result = Apply("""{"spec":{"strategy":{"rollingUpdate":null}}}""");

        Assert.Equal("""{"type":"RollingUpdate"}""", result["spec"]!["strategy"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""", "merge key \"name\"")]
    [InlineData("""{"spec":{"$patch":"explode"}}""", "unknown $patch directive")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":["x"]}}}}""", "objects merged by \"name\"")]
    [InlineData("""{"spec":{"strategy":{"$retainKeys":"type"}}}""", "$retainKeys must be a list")]
    public void Apply_MalformedPatch_RefusedNamingTheProblem(string patch, string expected)
    {
        var error = Assert.Throws<PatchException>(() => Apply(patch));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(error.Unprocessable);
    }
}
