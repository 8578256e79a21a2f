using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

public abstract class StoreListTests : StoreConformanceTests
{
    [Fact]
    public async Task ListAsync_Prefix_ReturnsOnlyKeysUnderPrefixInOrder()
    {
        await using var test = await OpenAsync();
        foreach (var key in new[] { "/pods/b", "/pods/a", "/podsx", "/pod", "/nodes/n1", "/pods/c/d" })
        {
            await test.Store.CreateAsync(key, Bytes(key));
        }

        var result = await test.Store.ListAsync("/pods/");

        Assert.Equal(["/pods/a", "/pods/b", "/pods/c/d"], result.Items.Select(i => i.Key));
        Assert.Equal("/pods/a", Text(result.Items[0].Value));
        Assert.Null(result.ContinueAfterKey);
        Assert.Equal(test.Rev(6), result.Revision);
    }

    [Fact]
    public async Task ListAsync_EmptyPrefix_ReturnsEverything()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/b", Bytes("x"));
        await test.Store.CreateAsync("/a", Bytes("x"));

        var result = await test.Store.ListAsync(string.Empty);

        Assert.Equal(["/a", "/b"], result.Items.Select(i => i.Key));
    }

    [Fact]
    public async Task ListAsync_NoMatches_ReturnsEmptyWithCurrentRevision()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a", Bytes("x"));
        await test.Store.DeleteAsync("/a");

        var result = await test.Store.ListAsync("/a");

        Assert.Empty(result.Items);
        Assert.Equal(test.Rev(2), result.Revision);
        Assert.Null(result.ContinueAfterKey);
    }

    [Fact]
    public async Task ListAsync_LimitAndContinue_PagesThroughEveryKeyOnce()
    {
        await using var test = await OpenAsync();
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            var key = $"/items/{i:D3}";
            expected.Add(key);
            await test.Store.CreateAsync(key, Bytes(key));
        }

        await test.Store.CreateAsync("/other", Bytes("x"));

        var seen = new List<string>();
        string? continueAfter = null;
        var pages = 0;
        do
        {
            var page = await test.Store.ListAsync("/items/", continueAfter, limit: 5);
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items.Select(i => i.Key));
            continueAfter = page.ContinueAfterKey;
            if (continueAfter is not null)
            {
                Assert.Equal(page.Items[^1].Key, continueAfter);
            }

            pages++;
        }
        while (continueAfter is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(5, pages);
    }

    [Fact]
    public async Task ListAsync_LimitEqualToRemaining_ReturnsNoContinue()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a/1", Bytes("x"));
        await test.Store.CreateAsync("/a/2", Bytes("x"));

        var result = await test.Store.ListAsync("/a/", limit: 2);

        Assert.Equal(2, result.Items.Count);
        Assert.Null(result.ContinueAfterKey);
    }

    [Fact]
    public async Task ListAsync_StartAfterKeyBeforePrefix_StartsAtPrefix()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a", Bytes("x"));
        await test.Store.CreateAsync("/b/1", Bytes("x"));

        var result = await test.Store.ListAsync("/b/", startAfterKey: "/a");

        Assert.Equal("/b/1", Assert.Single(result.Items).Key);
    }

    [Fact]
    public async Task ListAsync_StartAfterKeyIsPrefixOfOthers_ExcludesOnlyThatKey()
    {
        await using var test = await OpenAsync();
        foreach (var key in new[] { "/a/x", "/a/x/1", "/a/x0", "/a/y" })
        {
            await test.Store.CreateAsync(key, Bytes("v"));
        }

        var result = await test.Store.ListAsync("/a/", startAfterKey: "/a/x");

        Assert.Equal(["/a/x/1", "/a/x0", "/a/y"], result.Items.Select(i => i.Key));
    }

    [Fact]
    public async Task CountAsync_Prefix_CountsOnlyLiveKeysUnderPrefix()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/pods/a", Bytes("x"));
        await test.Store.CreateAsync("/pods/b", Bytes("x"));
        await test.Store.CreateAsync("/pods/c", Bytes("x"));
        await test.Store.CreateAsync("/podsx", Bytes("x"));
        await test.Store.DeleteAsync("/pods/b");

        Assert.Equal(2, await test.Store.CountAsync("/pods/"));
        Assert.Equal(3, await test.Store.CountAsync("/pods"));
        Assert.Equal(3, await test.Store.CountAsync(string.Empty));
    }
}
