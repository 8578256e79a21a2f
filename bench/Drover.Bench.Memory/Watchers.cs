using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Bench.Memory;

/// <summary>Raw watch streams: read and thrown away as fast as they come, or opened and never read.</summary>
internal static class Watchers
{
    /// <summary>Reads <paramref name="path"/> (a watch) until cancelled; returns the bytes read. Parsing is left out so the driver costs little CPU.</summary>
    public static async Task<long> DrainAsync(DroverdProcess droverd, string path, CancellationToken ct)
    {
        using var api = droverd.Client(TimeSpan.FromMinutes(1));
        return await DrainAsync(api, path, ct).ConfigureAwait(false);
    }

    public static async Task<long> DrainAsync(DroverClient api, string path, CancellationToken ct)
    {
        long total = 0;
        var buffer = new byte[16 * 1024];
        try
        {
            await using var stream = await api.GetStreamAsync(path, ct).ConfigureAwait(false);
            int read;
            while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                total += read;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ApiClientException or HttpRequestException)
        {
            // Cancelled at the end of the burst, or droverd ended the stream (an overflowed watcher gets 410).
        }
        return total;
    }

    /// <summary>A watch on its own connection whose answer is never read: the client is stuck, as a hung process would be.</summary>
    public static async Task<IAsyncDisposable> StuckAsync(DroverdProcess droverd, string path)
    {
        var api = droverd.Client(TimeSpan.FromMinutes(1));
        var stream = await api.GetStreamAsync(path).ConfigureAwait(false);
        return new Stuck(api, stream);
    }

    private sealed class Stuck(DroverClient api, Stream stream) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            api.Dispose();
        }
    }
}
