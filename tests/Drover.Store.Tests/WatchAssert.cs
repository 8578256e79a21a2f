namespace Drover.Store.Tests;

/// <summary>Reading a bounded number of events from a watch, and comparing key-values.</summary>
internal static class WatchAssert
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    internal static void AssertSameValue(KeyValue expected, KeyValue? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.CreateRevision, actual.CreateRevision);
        Assert.Equal(expected.ModRevision, actual.ModRevision);
        Assert.Equal(expected.Value.ToArray(), actual.Value.ToArray());
    }

    internal static async Task<List<StoreEvent>> TakeAsync(IAsyncEnumerable<StoreEvent> watch, int count)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var events = new List<StoreEvent>(count);
        await foreach (var storeEvent in watch.WithCancellation(timeout.Token))
        {
            events.Add(storeEvent);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
