namespace Drover.Agent.Network;

/// <summary>A route of the main table as ip -j route prints it ("default" or a CIDR; a host route as a bare address).</summary>
internal sealed record HostRoute(string Destination, string? Gateway, string? Device, bool OnLink, string? Protocol)
{
    public bool IsOurs => PodNetworkNames.IsOurProtocol(Protocol);
}
