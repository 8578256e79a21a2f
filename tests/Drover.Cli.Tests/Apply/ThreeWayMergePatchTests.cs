using System.Text.Json.Nodes;
using Drover.Cli.Apply;

namespace Drover.Cli.Apply.Tests;

public class ThreeWayMergePatchTests
{
    private static JsonObject O(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static string Patch(string? original, string modified, string? current) =>
        ThreeWayMergePatch.Create(original is null ? null : O(original), O(modified), current is null ? null : O(current)).ToJsonString();

    [Fact]
    public void Create_IdenticalManifestAndLive_IsEmpty() =>
        Assert.Equal("{}", Patch("""{"spec":{"replicas":3}}""", """{"spec":{"replicas":3}}""", """{"spec":{"replicas":3},"status":{"ready":3}}"""));

    [Fact]
    public void Create_ChangedScalar_SetsNewValue() =>
        Assert.Equal("""{"spec":{"replicas":5}}""", Patch("""{"spec":{"replicas":3}}""", """{"spec":{"replicas":5}}""", """{"spec":{"replicas":3,"paused":false}}"""));

    [Fact]
    public void Create_FieldRemovedFromManifest_SetsNull() =>
        Assert.Equal("""{"spec":{"minReadySeconds":null}}""",
            Patch("""{"spec":{"replicas":3,"minReadySeconds":5}}""", """{"spec":{"replicas":3}}""", """{"spec":{"replicas":3,"minReadySeconds":5}}"""));

    [Fact]
    public void Create_FieldSetByServerOnly_IsLeftAlone() =>
        Assert.Equal("{}", Patch("""{"spec":{"replicas":3}}""", """{"spec":{"replicas":3}}""", """{"spec":{"replicas":3,"revisionHistoryLimit":10}}"""));

    [Fact]
    public void Create_NoLastApplied_RemovesNothing() =>
        Assert.Equal("""{"spec":{"replicas":2}}""", Patch(null, """{"spec":{"replicas":2}}""", """{"spec":{"replicas":3,"paused":true}}"""));

    [Fact]
    public void Create_NestedMapKeyRemoved_NullsOnlyThatKey() =>
        Assert.Equal("""{"metadata":{"labels":{"tier":null}}}""",
            Patch("""{"metadata":{"labels":{"app":"a","tier":"web"}}}""", """{"metadata":{"labels":{"app":"a"}}}""", """{"metadata":{"labels":{"app":"a","tier":"web","added":"by-hand"}}}"""));

    [Fact]
    public void Create_WholeMapRemoved_NullsTheMap() =>
        Assert.Equal("""{"spec":{"strategy":null}}""",
            Patch("""{"spec":{"strategy":{"type":"Recreate"}}}""", """{"spec":{}}""", """{"spec":{"strategy":{"type":"Recreate"}}}"""));

    [Fact]
    public void Create_ArrayElementChanged_ReplacesWholeArray() =>
        Assert.Equal("""{"spec":{"containers":[{"name":"app","image":"v2"}]}}""",
            Patch("""{"spec":{"containers":[{"name":"app","image":"v1"}]}}""", """{"spec":{"containers":[{"name":"app","image":"v2"}]}}""",
                """{"spec":{"containers":[{"name":"app","image":"v1","imagePullPolicy":"IfNotPresent"}]}}"""));

    [Fact]
    public void Create_ArrayEqualToManifestButLiveHasDefaults_ReplacesArray() =>
        // Lists are atomic in a merge patch: server-added defaults inside one make it differ, as with kubectl.
        Assert.Equal("""{"ports":[{"port":80}]}""", Patch("""{"ports":[{"port":80}]}""", """{"ports":[{"port":80}]}""", """{"ports":[{"port":80,"protocol":"TCP"}]}"""));

    [Fact]
    public void Create_AddedAndRemovedInSameMap_CombinesBoth() =>
        Assert.Equal("""{"data":{"b":"2","a":null}}""", Patch("""{"data":{"a":"1"}}""", """{"data":{"b":"2"}}""", """{"data":{"a":"1"}}"""));

    [Fact]
    public void Create_ValueChangedToMap_SetsMap() =>
        Assert.Equal("""{"x":{"y":1}}""", Patch("""{"x":"s"}""", """{"x":{"y":1}}""", """{"x":"s"}"""));

    [Fact]
    public void Create_RemovedFieldAlreadyGoneFromLive_StillNullsIt() =>
        // Harmless (null on a missing key is a no-op) and what kubectl sends.
        Assert.Equal("""{"a":null}""", Patch("""{"a":1,"b":2}""", """{"b":2}""", """{"b":2}"""));
}
