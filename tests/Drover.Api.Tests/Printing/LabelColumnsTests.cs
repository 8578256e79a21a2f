namespace Drover.Api.Printing.Tests;

public sealed class LabelColumnsTests
{
    private static readonly ConfigMap Labelled = new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new ObjectMeta { Name = "a", Labels = new() { ["tier"] = "web", ["app.kubernetes.io/name"] = "shop" } },
    };

    [Fact]
    public void For_LabelKeysAndShowLabels_KubectlHeadersAndCells()
    {
        var columns = LabelColumns.For(["tier,app.kubernetes.io/name", "missing"], showLabels: true);

        Assert.Equal(["TIER", "NAME", "MISSING", "LABELS"], columns.Select(c => c.Header));
        Assert.Equal(["web", "shop", "", "app.kubernetes.io/name=shop,tier=web"], columns.Select(c => c.Value(Labelled, DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void All_NoLabels_None() =>
        Assert.Equal("<none>", LabelColumns.All.Value(Labelled with { Metadata = new ObjectMeta { Name = "b" } }, DateTimeOffset.UnixEpoch));
}
