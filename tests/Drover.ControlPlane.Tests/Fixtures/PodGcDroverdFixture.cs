using Drover.Testing;

namespace Drover.ControlPlane.Testing;

/// <summary>A droverd whose pod garbage collector quarantines a missing node for 3 s (Kubernetes: 40 s).</summary>
public sealed class PodGcDroverdFixture : IAsyncLifetime
{
    public static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(3);
    private DroverdProcess? _server;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() =>
        _server = await DroverdProcess.StartAsync(null, "--pod-gc-orphan-quarantine", "3s");

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
