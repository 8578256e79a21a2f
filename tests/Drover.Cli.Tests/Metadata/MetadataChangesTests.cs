namespace Drover.Cli.Metadata.Tests;

public sealed class MetadataChangesTests
{
    [Fact]
    public void Parse_ResourcesThenChanges_Split()
    {
        var (resources, changes) = MetadataChanges.Parse(["deployment", "my-app", "tier=web", "old-", "empty="], "label");

        Assert.Equal(["deployment", "my-app"], resources);
        Assert.Equal(new Dictionary<string, string?> { ["tier"] = "web", ["old"] = null, ["empty"] = "" }, changes.Changes);
    }

    [Theory]
    [InlineData(new[] { "pod/a" }, "at least one label update is required")]
    [InlineData(new[] { "pod/a", "x=1", "pod/b" }, "all resources must be specified before label changes")]
    [InlineData(new[] { "pod/a", "x=1", "x-" }, "can not both modify and remove the same key")]
    [InlineData(new[] { "pod/a", "=1" }, "invalid label spec")]
    public void Parse_BadArguments_KubectlMessage(string[] args, string message) =>
        Assert.Contains(message, Assert.Throws<CliException>(() => MetadataChanges.Parse(args, "label")).Message, StringComparison.Ordinal);

    [Fact]
    public void PatchFor_SetRemoveAndUnchanged_OnlyTheDifference()
    {
        var (_, changes) = MetadataChanges.Parse(["pod/a", "same=1", "new=2", "gone-", "absent-"], "label");

        var patch = changes.PatchFor(new Dictionary<string, string> { ["same"] = "1", ["gone"] = "x" }, overwrite: false, "labels");

        Assert.Equal("""{"metadata":{"labels":{"new":"2","gone":null}}}""", patch!.ToJsonString());
    }

    [Fact]
    public void PatchFor_NothingToChange_Null()
    {
        var (_, changes) = MetadataChanges.Parse(["pod/a", "same=1", "absent-"], "label");
        Assert.Null(changes.PatchFor(new Dictionary<string, string> { ["same"] = "1" }, overwrite: false, "labels"));
    }

    [Fact]
    public void PatchFor_OtherValueWithoutOverwrite_ErrorAsKubectl()
    {
        var (_, changes) = MetadataChanges.Parse(["pod/a", "tier=db"], "label");
        var current = new Dictionary<string, string> { ["tier"] = "web" };

        var e = Assert.Throws<CliException>(() => changes.PatchFor(current, overwrite: false, "labels"));
        Assert.Equal("error: 'tier' already has a value (web), and --overwrite is false", e.Message);
        Assert.Equal("""{"metadata":{"annotations":{"tier":"db"}}}""", changes.PatchFor(current, overwrite: true, "annotations")!.ToJsonString());
    }
}
