using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>Two real registries with the sample app as edge/app:v1, one user: plain HTTP and TLS from the test's own CA.</summary>
public sealed class PrivateRegistriesFixture : IAsyncLifetime
{
    private const string User = "edge";
    private const string Password = "s3cret-pull";
    private LocalRegistry? _plain;
    private LocalRegistry? _tls;

    public LocalRegistry Plain => _plain ?? throw new InvalidOperationException("the plain registry did not start");

    public LocalRegistry Tls => _tls ?? throw new InvalidOperationException("the TLS registry did not start");

    public async Task InitializeAsync()
    {
        _plain = await LocalRegistry.StartAsync(User, Password, tls: false);
        _tls = await LocalRegistry.StartAsync(User, Password, tls: true);
        // The sample app's OCI archive (imported into every node already) goes into the registries under another name.
        await _plain.PushSampleAppAsync("edge/app:v1");
        await _tls.PushSampleAppAsync("edge/app:v1");
    }

    public async Task DisposeAsync()
    {
        if (_plain is not null)
            await _plain.DisposeAsync();
        if (_tls is not null)
            await _tls.DisposeAsync();
    }
}
