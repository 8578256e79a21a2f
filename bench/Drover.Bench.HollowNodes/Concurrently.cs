namespace Drover.Bench.HollowNodes;

internal static class Concurrently
{
    /// <summary>Runs <paramref name="work"/> for 0..count-1 with at most <paramref name="width"/> at a time.</summary>
    public static Task RunAsync(int count, int width, Func<int, Task> work)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, width).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await work(i).ConfigureAwait(false);
        }));
    }
}
