namespace Drover.Api.Client;

/// <summary>
/// A connection droverd switched to another protocol (101): <see cref="Stream"/> reads and writes its raw bytes,
/// <see cref="Protocol"/> is the X-Stream-Protocol-Version the server chose (null when it named none).
/// </summary>
public sealed class UpgradedConnection(HttpResponseMessage response, Stream stream, string? protocol) : IAsyncDisposable
{
    public Stream Stream { get; } = stream;
    public string? Protocol { get; } = protocol;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        response.Dispose();
    }
}
