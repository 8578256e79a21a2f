namespace Drover.Testing;

/// <summary>One droverd shared by a test class (tests use their own names or namespaces).</summary>
public sealed class DroverdFixture : IAsyncLifetime
{
    private DroverdProcess? _server;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() =>
        _server = await DroverdProcess.StartAsync(null, "--compaction-interval", "2s", "--watch-bookmark-interval", "500ms").ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync().ConfigureAwait(false);
    }
}
