using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

public abstract class StoreConcurrencyTests : StoreConformanceTests
{
    [Fact]
    public async Task CreateAsync_ConcurrentWriters_AllSucceedWithDistinctContiguousRevisions()
    {
        const int Writers = 8;
        const int PerWriter = 100;
        await using var test = await OpenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var created = new List<KeyValue>(PerWriter);
            for (var i = 0; i < PerWriter; i++)
            {
                created.Add(await test.Store.CreateAsync($"/load/{w:D2}/{i:D4}", Bytes("v")));
            }

            return created;
        })));

        var revisions = results.SelectMany(r => r).Select(kv => kv.ModRevision).Order().ToList();
        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => test.Rev(i)), revisions);
        Assert.Equal(test.Rev(Writers * PerWriter), test.Store.CurrentRevision);
        Assert.Equal(Writers * PerWriter, await test.Store.CountAsync("/load/"));

        // Each writer awaits its own writes in order, so its revisions must rise.
        foreach (var writer in results)
        {
            Assert.Equal(writer.Select(kv => kv.ModRevision).Order(), writer.Select(kv => kv.ModRevision));
        }
    }

    [Fact]
    public async Task ReadsAndWrites_Concurrent_ListRevisionCoversItsItems()
    {
        await using var test = await OpenAsync();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                await test.Store.CreateAsync($"/r/{i:D4}", Bytes("v"));
            }
        });

        while (!writer.IsCompleted)
        {
            var list = await test.Store.ListAsync("/r/");
            Assert.All(list.Items, item => Assert.True(item.ModRevision <= list.Revision));
            Assert.Equal(list.Revision - test.Base, list.Items.Count);

            // Reads complete synchronously; without a pause this loop would hog a core of the 2-core CI machine.
            await Task.Delay(1);
        }

        await writer;
    }
}
