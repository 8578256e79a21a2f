namespace Drover.Agent.Images.Tests;

/// <summary>The kubelet's image garbage collection decisions: when, how much, and which images in which order.</summary>
public sealed class ImageGcPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 20, 0, 0, TimeSpan.Zero);
    private static readonly ImageGcPolicy Defaults = new();

    [Theory]
    // capacity, available, bytes to free: under 85 % nothing; at or over, down to 80 %.
    [InlineData(1000, 200, 0)]      // 80 %
    [InlineData(1000, 160, 0)]      // 84 %
    [InlineData(1000, 151, 49)]     // 84.9 %: the kubelet's 100 − ⌊available·100/capacity⌋ makes it 85
    [InlineData(1000, 150, 50)]     // 85 %: to 200 available
    [InlineData(1000, 10, 190)]     // 99 %
    [InlineData(1000, 0, 200)]      // full
    [InlineData(0, 0, 0)]           // no filesystem reported
    public void BytesToFree_KubeletThresholds(long capacity, long available, long expected) =>
        Assert.Equal(expected, ImageGcPlanner.BytesToFree(capacity, available, Defaults));

    [Fact]
    public void BytesToFree_HighThreshold100_Off() =>
        Assert.Equal(0, ImageGcPlanner.BytesToFree(1000, 0, Defaults with { HighThresholdPercent = 100 }));

    [Fact]
    public void SelectForRemoval_LeastRecentlyUsedFirst_UntilEnoughIsFreed()
    {
        ImageCandidate[] images =
        [
            Image("recent", 100, lastUsedMinutesAgo: 1),
            Image("oldest", 100, lastUsedMinutesAgo: 60),
            Image("never-used", 100, lastUsedMinutesAgo: null),
            Image("older", 100, lastUsedMinutesAgo: 30),
        ];

        var chosen = ImageGcPlanner.SelectForRemoval(images, Now, TimeSpan.FromMinutes(2), 250);

        Assert.Equal(["never-used", "oldest", "older"], chosen.Select(i => i.Id));
    }

    [Fact]
    public void SelectForRemoval_InUsePinnedAndYoungImages_NeverChosen()
    {
        ImageCandidate[] images =
        [
            Image("in-use", 500, lastUsedMinutesAgo: null) with { InUse = true },
            Image("pinned", 500, lastUsedMinutesAgo: null) with { Pinned = true },
            Image("young", 500, lastUsedMinutesAgo: null, firstDetectedMinutesAgo: 1),
            Image("free", 10, lastUsedMinutesAgo: null),
        ];

        var chosen = ImageGcPlanner.SelectForRemoval(images, Now, TimeSpan.FromMinutes(2), 1000);

        Assert.Equal(["free"], chosen.Select(i => i.Id));
    }

    [Fact]
    public void SelectForRemoval_NothingToFree_NothingChosen() =>
        Assert.Empty(ImageGcPlanner.SelectForRemoval([Image("a", 100, null)], Now, TimeSpan.Zero, 0));

    [Fact]
    public void SelectForRemoval_SameLastUse_FirstDetectedEarliestFirst()
    {
        ImageCandidate[] images = [Image("later", 100, null, firstDetectedMinutesAgo: 10), Image("earlier", 100, null, firstDetectedMinutesAgo: 20)];

        Assert.Equal("earlier", ImageGcPlanner.SelectForRemoval(images, Now, TimeSpan.Zero, 100).Single().Id);
    }

    private static ImageCandidate Image(string id, long size, int? lastUsedMinutesAgo, int firstDetectedMinutesAgo = 120) =>
        new(id, size, Now.AddMinutes(-firstDetectedMinutesAgo), lastUsedMinutesAgo is { } ago ? Now.AddMinutes(-ago) : DateTimeOffset.MinValue, InUse: false, Pinned: false);
}
