namespace Drover.Agent.Network;

/// <summary>The kernel entries that carry pod traffic to the peers: routes, and with vxlan the neighbour and FDB entries.</summary>
internal sealed record PeerForwarding(IReadOnlyList<PeerRoute> Routes, IReadOnlyList<VxlanNeighbour> Neighbours, IReadOnlyList<VxlanFdbEntry> Fdb)
{
    public static PeerForwarding Empty { get; } = new([], [], []);

    public bool SameAs(PeerForwarding other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Routes.ToHashSet().SetEquals(other.Routes)
            && Neighbours.ToHashSet().SetEquals(other.Neighbours)
            && Fdb.ToHashSet().SetEquals(other.Fdb);
    }
}
