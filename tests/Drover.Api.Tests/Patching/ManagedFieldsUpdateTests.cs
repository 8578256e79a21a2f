using System.Text.Json.Nodes;
using Drover.Api.Patching;

namespace Drover.Api.Patching.Tests;

/// <summary>managedFields after non-apply writes (operation "Update"), compared with what Kubernetes records.</summary>
public class ManagedFieldsUpdateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Now.AddMinutes(5);
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonObject Deployment(string containers, int replicas = 3, string labels = """{"app":"web"}""") => (JsonObject)JsonNode.Parse(
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","uid":"u1","resourceVersion":"5","labels":""" + labels
        + """},"spec":{"replicas":""" + replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ""","strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%"}},"template":{"spec":{"containers":[""" + containers + "]}}},\"status\":{\"replicas\":1}}")!;

    private static JsonObject With(JsonObject obj, JsonArray? managedFields)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy["metadata"]!["managedFields"] = managedFields;
        return copy;
    }

    private static JsonArray? Update(JsonObject? before, JsonObject after, string manager, string? subresource = null, DateTimeOffset? at = null) =>
        ManagedFieldsUpdate.Update(before, after, typeof(Deployment), new FieldManager(manager, subresource), "apps/v1", at ?? Now);

    private static JsonObject Entry(JsonArray fields, string manager) =>
        fields.Single(e => e!["manager"]!.GetValue<string>() == manager)!.AsObject();

    [Fact]
    public void Update_Create_OwnsEveryFieldButServerMetadataAndStatus()
    {
        var created = Deployment("""{"name":"app","image":"a:1"}""");

        var fields = Update(null, created, "kubectl-create")!;

        var entry = Assert.Single(fields)!;
        Assert.Equal("Update", entry["operation"]!.GetValue<string>());
        Assert.Equal("apps/v1", entry["apiVersion"]!.GetValue<string>());
        Assert.Equal("2026-12-05T08:00:00Z", entry["time"]!.GetValue<string>());
        Assert.Null(entry["subresource"]);
        // As Kubernetes prints it: a map added whole owns itself ("."), spec and strategy exist in the empty object.
        Assert.Equal(
            """{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:strategy":{"f:type":{},"f:rollingUpdate":{".":{},"f:maxSurge":{}}},"f:template":{"f:spec":{"f:containers":{".":{},"k:{\"name\":\"app\"}":{".":{},"f:name":{},"f:image":{}}}}}}}""",
            entry["fieldsV1"]!.ToJsonString(Relaxed));
    }

    [Fact]
    public void Update_ChangedField_MovesFromApplierToWriter()
    {
        var live = ServerSideApply.Apply(null, Deployment("""{"name":"app","image":"a:1"}"""), typeof(Deployment), "kubectl", force: false, "apps/v1", Now);
        var edited = (JsonObject)live.DeepClone();
        edited["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "a:2";

        var fields = Update(live, edited, "kubectl-edit", at: Later)!;

        Assert.DoesNotContain("f:image", Entry(fields, "kubectl")["fieldsV1"]!.ToJsonString(Relaxed), StringComparison.Ordinal);
        Assert.Contains("f:replicas", Entry(fields, "kubectl")["fieldsV1"]!.ToJsonString(Relaxed), StringComparison.Ordinal);
        Assert.Equal("""{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{"f:image":{}}}}}}}""", Entry(fields, "kubectl-edit")["fieldsV1"]!.ToJsonString(Relaxed));
        Assert.Equal("2026-12-05T08:05:00Z", Entry(fields, "kubectl-edit")["time"]!.GetValue<string>());
        Assert.Equal("2026-12-05T08:00:00Z", Entry(fields, "kubectl")["time"]!.GetValue<string>());
    }

    [Fact]
    public void Update_RemovedContainer_TakenFromEveryManagerAndEmptyManagersDropped()
    {
        var before = Deployment("""{"name":"app","image":"a:1"},{"name":"side","image":"s:1"}""");
        before = With(before, Update(null, before, "kubectl-create"));
        var side = (JsonObject)before.DeepClone();
        side["spec"]!["template"]!["spec"]!["containers"]![1]!["image"] = "s:2";
        side = With(side, Update(before, side, "ops"));
        var removed = (JsonObject)side.DeepClone();
        removed["spec"]!["template"]!["spec"]!["containers"]!.AsArray().RemoveAt(1);

        var fields = Update(side, removed, "kubectl-patch")!;

        Assert.DoesNotContain("side", fields.ToJsonString(Relaxed), StringComparison.Ordinal);
        Assert.DoesNotContain(fields, e => e!["manager"]!.GetValue<string>() is "ops" or "kubectl-patch");
        Assert.Contains("k:{\\\"name\\\":\\\"app\\\"}", Entry(fields, "kubectl-create")["fieldsV1"]!.ToJsonString(Relaxed), StringComparison.Ordinal);
    }

    [Fact]
    public void Update_NothingChanged_EntriesAndTimesKept()
    {
        var created = Deployment("""{"name":"app","image":"a:1"}""");
        var fields = Update(null, created, "kubectl-create")!;
        var live = With(created, fields);

        var again = Update(live, (JsonObject)live.DeepClone(), "kubectl-replace", at: Later)!;

        Assert.Equal(fields.ToJsonString(Relaxed), again.ToJsonString(Relaxed));
    }

    [Fact]
    public void Update_StatusAndServerMetadataChanged_NotTracked()
    {
        var created = Deployment("""{"name":"app","image":"a:1"}""");
        var live = With(created, Update(null, created, "kubectl-create"));
        var changed = (JsonObject)live.DeepClone();
        changed["status"]!["replicas"] = 3;
        changed["metadata"]!["resourceVersion"] = "9";
        changed["metadata"]!["generation"] = 4;

        var fields = Update(live, changed, "kube-controller-manager")!;

        Assert.Equal(["kubectl-create"], fields.Select(e => e!["manager"]!.GetValue<string>()));
    }

    [Fact]
    public void Update_SameManagerTwice_OneEntryWithBothFields()
    {
        var created = Deployment("""{"name":"app","image":"a:1"}""");
        var live = With(created, Update(null, created, "kubectl-create"));
        var scaled = (JsonObject)live.DeepClone();
        scaled["spec"]!["replicas"] = 4;
        scaled = With(scaled, Update(live, scaled, "kubectl", "scale"));
        var labelled = (JsonObject)scaled.DeepClone();
        labelled["metadata"]!["labels"]!["tier"] = "edge";
        labelled = With(labelled, Update(scaled, labelled, "kubectl-label"));
        var rescaled = (JsonObject)labelled.DeepClone();
        rescaled["spec"]!["replicas"] = 5;
        rescaled["metadata"]!["labels"]!["tier"] = "core";

        var fields = Update(labelled, rescaled, "kubectl", "scale")!;

        var scale = Assert.Single(fields, e => e!["manager"]!.GetValue<string>() == "kubectl")!;
        Assert.Equal("scale", scale["subresource"]!.GetValue<string>());
        Assert.Equal("""{"f:metadata":{"f:labels":{"f:tier":{}}},"f:spec":{"f:replicas":{}}}""", scale["fieldsV1"]!.ToJsonString(Relaxed));
        Assert.DoesNotContain(fields, e => e!["manager"]!.GetValue<string>() == "kubectl-label");
    }

    [Fact]
    public void Update_UntrackedExistingObject_StaysUntracked()
    {
        var live = Deployment("""{"name":"app","image":"a:1"}""");
        var changed = Deployment("""{"name":"app","image":"a:2"}""");

        Assert.Null(Update(live, changed, "kubectl-edit"));
    }

    [Fact]
    public void Update_EntriesSentWithTheWrite_UsedInsteadOfTheStoredOnes()
    {
        var created = Deployment("""{"name":"app","image":"a:1"}""");
        var live = With(created, Update(null, created, "kubectl-create"));
        var sent = With(live, Update(null, created, "mine"));

        var fields = Update(live, sent, "kubectl-replace")!;

        Assert.Equal(["mine"], fields.Select(e => e!["manager"]!.GetValue<string>()));
    }

    [Fact]
    public void Update_AtomicListChanged_ListIsOneLeaf()
    {
        var created = Deployment("""{"name":"app","image":"a:1","args":["a"]}""");
        var live = With(created, Update(null, created, "kubectl-create"));
        var changed = (JsonObject)live.DeepClone();
        changed["spec"]!["template"]!["spec"]!["containers"]![0]!["args"] = new JsonArray("a", "b");

        var fields = Update(live, changed, "kubectl-edit")!;

        Assert.Equal("""{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{"f:args":{}}}}}}}""", Entry(fields, "kubectl-edit")["fieldsV1"]!.ToJsonString(Relaxed));
    }
}
