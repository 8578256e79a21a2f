using System.CommandLine;
using System.Globalization;

namespace Drover.Agent.Network;

/// <summary>
/// drover-agent cleanup-network: removes what the pod network made on this host — the VXLAN device (and with it every
/// neighbour and FDB entry), the routes of the agent's protocol, the drover-podnet table — and nothing else. install.sh
/// runs it when it uninstalls or stops an agent; it changes nothing where nothing is left.
/// </summary>
internal static class PodNetworkCleanup
{
    public static Command Command()
    {
        var command = new Command("cleanup-network", $"Removes the pod network from this host: the {PodNetworkNames.VxlanDevice} device, the agent's routes (protocol {PodNetworkNames.RouteProtocol.ToString(CultureInfo.InvariantCulture)}) and the nftables table ip {PodNetworkNames.NftTable}; for uninstalling.");
        command.SetAction(async (_, ct) =>
        {
            try
            {
                foreach (var removed in await RunAsync(new HostCommand(), ct).ConfigureAwait(false))
                    await Console.Out.WriteLineAsync("removed " + removed).ConfigureAwait(false);
                return 0;
            }
            catch (HostCommandException e)
            {
                await Console.Error.WriteLineAsync("drover-agent cleanup-network: " + e.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Removes what is there; returns what it removed.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(HostCommand host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        var removed = new List<string>();
        var ip = new IpRoute2(host);
        if (VxlanDevice.Remove(await ip.InterfacesAsync(ct).ConfigureAwait(false)) is { Count: > 0 } lines)
        {
            await host.RunCheckedAsync("ip", ["link", "del", PodNetworkNames.VxlanDevice], null, ct).ConfigureAwait(false);
            removed.Add("device " + PodNetworkNames.VxlanDevice);
        }
        var routes = (await ip.RoutesAsync(ct).ConfigureAwait(false)).Where(r => r.IsOurs).ToList();
        if (routes.Count > 0)
        {
            var protocol = PodNetworkNames.RouteProtocol.ToString(CultureInfo.InvariantCulture);
            await host.RunCheckedAsync("ip", ["route", "flush", "table", "main", "proto", protocol], null, ct).ConfigureAwait(false);
            removed.AddRange(routes.Select(r => "route " + r.Destination));
        }
        var masquerade = new PodMasquerade(host);
        if (await masquerade.ExistsAsync(ct).ConfigureAwait(false))
        {
            await masquerade.RemoveAsync(ct).ConfigureAwait(false);
            removed.Add("nftables table ip " + PodNetworkNames.NftTable);
        }
        return removed;
    }
}
