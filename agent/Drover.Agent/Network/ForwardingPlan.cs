using System.Globalization;
using System.Net;
using Drover.Api.PodNetwork;

namespace Drover.Agent.Network;

/// <summary>
/// Pure: the kernel entries the peers need (<see cref="Desired"/>) and the commands that get there from what the kernel
/// has (<see cref="Changes"/>): only differences are written, nothing is flushed, and only entries the agent owns (its
/// route protocol, the VXLAN device's permanent entries) are ever replaced or removed.
/// </summary>
internal static class ForwardingPlan
{
    public static PeerForwarding Desired(PodNetworkBackend backend, IEnumerable<PodNetworkPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var routes = new List<PeerRoute>();
        var neighbours = new List<VxlanNeighbour>();
        var fdb = new List<VxlanFdbEntry>();
        foreach (var peer in peers)
        {
            switch (backend)
            {
                case PodNetworkBackend.HostGw:
                    routes.Add(new PeerRoute(peer.PodCidr, peer.InternalIp, null, false));
                    break;
                case PodNetworkBackend.Vxlan when peer.VtepMac is { } mac:
                    // flannel's layout: the peer's VTEP answers for its podCIDR's network address, reached on-link.
                    var vtep = peer.PodCidr.NetworkAddress;
                    routes.Add(new PeerRoute(peer.PodCidr, vtep, PodNetworkNames.VxlanDevice, true));
                    neighbours.Add(new VxlanNeighbour(vtep, mac));
                    fdb.Add(new VxlanFdbEntry(mac, peer.InternalIp));
                    break;
            }
        }
        return new PeerForwarding(routes, neighbours, fdb);
    }

    /// <param name="desired">What the peers need.</param>
    /// <param name="routes">The main table as the kernel has it: ours (by protocol) and everyone else's.</param>
    /// <param name="neighbours">The VXLAN device's permanent neighbours (empty without the device).</param>
    /// <param name="fdb">The VXLAN device's permanent FDB entries (empty without the device).</param>
    public static ForwardingChanges Changes(PeerForwarding desired, IReadOnlyList<HostRoute> routes, IReadOnlyList<VxlanNeighbour> neighbours, IReadOnlyList<VxlanFdbEntry> fdb)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(neighbours);
        ArgumentNullException.ThrowIfNull(fdb);
        var fdbAdds = new List<ForwardingCommand>();
        var ip = new List<ForwardingCommand>();
        var fdbDeletes = new List<ForwardingCommand>();
        var conflicts = new List<string>();
        var device = PodNetworkNames.VxlanDevice;

        foreach (var entry in desired.Fdb)
        {
            if (!fdb.Contains(entry))
                fdbAdds.Add(new(FormattableString.Invariant($"fdb replace {entry.Mac} dev {device} dst {entry.Destination} self permanent"), entry.Mac));
        }
        foreach (var neighbour in desired.Neighbours)
        {
            if (!neighbours.Contains(neighbour))
                ip.Add(new(FormattableString.Invariant($"neigh replace {neighbour.Address} lladdr {neighbour.Mac} dev {device} nud permanent"), neighbour.Address.ToString()));
        }

        var ours = new Dictionary<string, HostRoute>(StringComparer.Ordinal);
        var foreign = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            var key = Key(route.Destination);
            if (route.IsOurs)
                ours[key] = route;
            else
                foreign.Add(key);
        }
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in desired.Routes)
        {
            var key = route.Destination.ToString();
            wanted.Add(key);
            if (ours.TryGetValue(key, out var existing))
            {
                if (!Matches(route, existing))
                    ip.Add(new("route replace " + RouteSpec(route), key));
            }
            else if (foreign.Contains(key))
            {
                conflicts.Add(key);
            }
            else
            {
                // add, not replace: should a route of someone else's appear meanwhile, the kernel refuses instead of overwriting it.
                ip.Add(new("route add " + RouteSpec(route), key));
            }
        }
        foreach (var (key, _) in ours)
        {
            if (!wanted.Contains(key))
                ip.Add(new(FormattableString.Invariant($"route del {key} proto {PodNetworkNames.RouteProtocol}"), key));
        }

        foreach (var neighbour in neighbours)
        {
            if (!desired.Neighbours.Contains(neighbour) && !desired.Neighbours.Any(n => n.Address.Equals(neighbour.Address)))
                ip.Add(new(FormattableString.Invariant($"neigh del {neighbour.Address} dev {device}"), neighbour.Address.ToString()));
        }
        foreach (var entry in fdb)
        {
            if (!desired.Fdb.Contains(entry) && !desired.Fdb.Any(e => e.Mac == entry.Mac))
                fdbDeletes.Add(new(FormattableString.Invariant($"fdb del {entry.Mac} dev {device} dst {entry.Destination} self"), entry.Mac));
        }
        return new ForwardingChanges(fdbAdds, ip, fdbDeletes, conflicts);
    }

    /// <summary>The kernel's current routes of ours, as <see cref="PeerRoute"/>s (what the last reconcile left, or a previous agent).</summary>
    public static IReadOnlyList<PeerRoute> Ours(IReadOnlyList<HostRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var result = new List<PeerRoute>();
        foreach (var route in routes)
        {
            if (route.IsOurs && Ipv4Cidr.TryParse(Key(route.Destination), out var destination) && IPAddress.TryParse(route.Gateway, out var gateway))
                result.Add(new PeerRoute(destination, gateway, route.Device, route.OnLink));
        }
        return result;
    }

    /// <summary>ip prints a /32 route as the bare address.</summary>
    private static string Key(string destination) =>
        destination.Contains('/', StringComparison.Ordinal) || destination == "default" ? destination : destination + "/32";

    private static bool Matches(PeerRoute desired, HostRoute current) =>
        string.Equals(desired.Gateway.ToString(), current.Gateway, StringComparison.Ordinal)
        && (desired.Device is null || desired.Device == current.Device)
        && desired.OnLink == current.OnLink;

    private static string RouteSpec(PeerRoute route)
    {
        var spec = FormattableString.Invariant($"{route.Destination} via {route.Gateway}");
        if (route.Device is not null)
            spec += " dev " + route.Device;
        if (route.OnLink)
            spec += " onlink";
        return spec + " proto " + PodNetworkNames.RouteProtocol.ToString(CultureInfo.InvariantCulture);
    }
}
