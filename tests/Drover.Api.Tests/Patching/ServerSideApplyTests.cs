using System.Text.Json.Nodes;
using Drover.Api.Patching;

namespace Drover.Api.Patching.Tests;

/// <summary>Server-side apply's ownership rules: conflicts between appliers, force, and fields an applier stops applying.</summary>
public class ServerSideApplyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static JsonObject Config(string containers, int replicas = 3) => (JsonObject)JsonNode.Parse(
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":""" + replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ""","template":{"spec":{"containers":[""" + containers + "]}}}}")!;

    private static JsonObject Apply(JsonObject? live, JsonObject config, string manager, bool force = false) =>
        ServerSideApply.Apply(live, config, typeof(Deployment), manager, force, "apps/v1", Now);

    [Fact]
    public void Apply_New_RecordsTheManagerAndItsFields()
    {
        var result = Apply(null, Config("""{"name":"app","image":"a:1"}"""), "kubectl");

        var entry = Assert.Single(result["metadata"]!["managedFields"]!.AsArray())!;
        Assert.Equal("kubectl", entry["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        var fields = entry["fieldsV1"]!;
        Assert.NotNull(fields["f:spec"]!["f:replicas"]);
        var container = fields["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"app\"}"]!.AsObject();
        Assert.Equal([".", "f:name", "f:image"], container.Select(p => p.Key));
    }

    [Fact]
    public void Apply_OtherManagerDifferentValue_ConflictNamesField()
    {
        var live = Apply(null, Config("""{"name":"app","image":"a:1"}"""), "kubectl");

        var error = Assert.Throws<ApplyConflictException>(() => Apply(live, Config("""{"name":"app","image":"a:1"}""", replicas: 5), "ops"));

        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas", error.Message);
    }

    [Fact]
    public void Apply_OtherManagerSameValue_SharesOwnershipWithoutConflict()
    {
        var live = Apply(null, Config("""{"name":"app","image":"a:1"}"""), "kubectl");

        var result = Apply(live, Config("""{"name":"app","image":"a:1"}"""), "ops");

        Assert.Equal(2, result["metadata"]!["managedFields"]!.AsArray().Count);
    }

    [Fact]
    public void Apply_Force_TakesTheFieldOver()
    {
        var live = Apply(null, Config("""{"name":"app","image":"a:1"}"""), "kubectl");

        var result = Apply(live, Config("""{"name":"app","image":"a:1"}""", replicas: 5), "ops", force: true);

        Assert.Equal(5, result["spec"]!["replicas"]!.GetValue<int>());
        var kubectl = result["metadata"]!["managedFields"]!.AsArray().Single(e => e!["manager"]!.GetValue<string>() == "kubectl")!;
        Assert.DoesNotContain("f:replicas", kubectl["fieldsV1"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ContainerNoLongerApplied_Removed()
    {
        var live = Apply(null, Config("""{"name":"app","image":"a:1"},{"name":"side","image":"s:1"}"""), "kubectl");

        var result = Apply(live, Config("""{"name":"app","image":"a:2"}"""), "kubectl");

        var container = Assert.Single(result["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!;
        Assert.Equal("a:2", container["image"]!.GetValue<string>());
    }

    [Fact]
    public void Apply_FieldOwnedByAnotherToo_KeptWhenOneStopsApplying()
    {
        var live = Apply(null, Config("""{"name":"app","image":"a:1"},{"name":"side","image":"s:1"}"""), "kubectl");
        live = Apply(live, Config("""{"name":"side","image":"s:1"}"""), "ops");

        var result = Apply(live, Config("""{"name":"app","image":"a:1"}"""), "kubectl");

        Assert.Equal(2, result["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Count);
    }

    [Fact]
    public void Apply_FieldChangedByUpdateManager_ConflictNamesItWithVersion()
    {
        var live = Apply(null, Config("""{"name":"app","image":"a:1"}"""), "kubectl");
        var edited = (JsonObject)live.DeepClone();
        edited["spec"]!["replicas"] = 7;
        edited["metadata"]!["managedFields"] = ManagedFieldsUpdate.Update(live, edited, typeof(Deployment), new FieldManager("kubectl", "scale"), "apps/v1", Now);

        var error = Assert.Throws<ApplyConflictException>(() => Apply(edited, Config("""{"name":"app","image":"a:1"}"""), "kubectl"));

        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas", error.Message);
    }

    [Fact]
    public void Apply_UntrackedObject_BeforeFirstApplyOwnsWhatItHeld()
    {
        var live = (JsonObject)JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}""")!;

        var error = Assert.Throws<ApplyConflictException>(() => Apply(live, Config("""{"name":"app","image":"a:1"}"""), "kubectl"));
        var forced = Apply(live, Config("""{"name":"app","image":"a:1"}"""), "kubectl", force: true);

        Assert.Equal("Apply failed with 1 conflict: conflict with \"before-first-apply\" using apps/v1: .spec.replicas", error.Message);
        Assert.Equal(["kubectl"], forced["metadata"]!["managedFields"]!.AsArray().Select(e => e!["manager"]!.GetValue<string>()));
    }

    [Fact]
    public void Apply_ConflictsWithTwoManagers_GroupedByManagerAsKubernetes()
    {
        var live = Apply(null, Config("""{"name":"app","image":"a:1"}"""), "kubectl");

        var error = Assert.Throws<ApplyConflictException>(() => Apply(live, Config("""{"name":"app","image":"b:1"}""", replicas: 5), "ops"));

        Assert.Equal("Apply failed with 2 conflicts: conflicts with \"kubectl\":\n- .spec.replicas\n- .spec.template.spec.containers[name=\"app\"].image", error.Message);
    }
}
