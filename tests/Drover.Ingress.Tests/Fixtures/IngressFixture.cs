using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Ingress.Testing;

/// <summary>
/// One droverd, one drover-ingress running with droverd's ingress credential, and a bridge address for
/// backends, shared by a test class. Tests keep apart by namespace and host name.
/// </summary>
public sealed class IngressFixture : IAsyncLifetime
{
    private DroverdProcess? _server;
    private IngressProcess? _ingress;
    private TestBridge? _bridge;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");
    public IngressProcess Ingress => _ingress ?? throw new InvalidOperationException("not started");
    public TestBridge Bridge => _bridge ?? throw new InvalidOperationException("not started");
    public DroverClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _bridge = TestBridge.Create();
        _server = await DroverdProcess.StartAsync().ConfigureAwait(false);
        Admin = _server.Client();
        _ingress = await IngressProcess.StartAsync(_server.IngressConfigPath, "--fail-timeout", "2s").ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_ingress is not null)
            await _ingress.DisposeAsync().ConfigureAwait(false);
        Admin?.Dispose();
        if (_server is not null)
            await _server.DisposeAsync().ConfigureAwait(false);
        _bridge?.Dispose();
    }
}
