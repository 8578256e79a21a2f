namespace Drover.ControlPlane.Leadership.Tests;

/// <summary>Which replicas the client configs droverd writes list (admin, ingress): itself first, then the others once each.</summary>
public sealed class ClientServersTests
{
    private static readonly Uri A = new("https://127.0.0.1:6443");
    private static readonly Uri B = new("https://127.0.0.1:6444");
    private static readonly Uri C = new("https://127.0.0.1:6445");

    [Fact]
    public void ClientServers_NeitherJoinedNorAdvertised_OnlyItself() =>
        Assert.Equal([A], DroverServer.ClientServers(A, Options()));

    [Fact]
    public void ClientServers_Joined_ItselfThenTheOneItJoined() =>
        Assert.Equal([B, A], DroverServer.ClientServers(B, Options() with { JoinServer = A, JoinToken = "K10x" }));

    [Fact]
    public void ClientServers_AdvertisedIncludingItself_ItselfFirstThenTheOthersInOrderOnce() =>
        Assert.Equal([B, A, C], DroverServer.ClientServers(B, Options() with { JoinServer = A, JoinToken = "K10x", AdvertiseServers = [A, B, C] }));

    private static ServerOptions Options() => new() { DataDirectory = "/nonexistent" };
}
