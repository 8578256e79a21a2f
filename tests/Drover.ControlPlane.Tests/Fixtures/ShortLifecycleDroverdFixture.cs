using Drover.Testing;

namespace Drover.ControlPlane.Testing;

/// <summary>A droverd with short node lifecycle periods: 2 s of silence marks a node, 3 s on it evicts a pod.</summary>
public sealed class ShortLifecycleDroverdFixture : IAsyncLifetime
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Eviction = TimeSpan.FromSeconds(3);
    private DroverdProcess? _server;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() =>
        _server = await DroverdProcess.StartAsync(null, "--node-monitor-grace-period", "2s", "--pod-eviction-timeout", "3s");

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
