using Drover.Agent.Cri;
using Grpc.Core;

namespace Drover.Agent.Cri.Tests;

public sealed class CriClientUnavailableTests
{
    [Fact]
    public async Task VersionAsync_NoSocket_ThrowsUnavailableCriException()
    {
        using var client = new CriClient(new CriClientOptions { SocketPath = Path.Combine(Path.GetTempPath(), $"drover-no-such-{Guid.NewGuid():N}.sock") });

        var e = await Assert.ThrowsAsync<CriException>(() => client.VersionAsync());

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.True(e.IsUnavailable);
        Assert.Equal("Version", e.Operation);
    }

    [Fact]
    public async Task VersionAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using var client = new CriClient(new CriClientOptions { SocketPath = "/nonexistent/drover.sock" });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.VersionAsync(cancelled.Token));
    }

    [Fact]
    public void Constructor_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new CriClient(null!));
    }
}
