using Drover.Api.PodNetwork;

namespace Drover.Agent.Network;

/// <summary>
/// The node's pods reach the world beyond the cluster's pod network as the node (masquerade), and every pod of the
/// cluster as themselves: one rule in an nftables table of the agent's own (ip drover-podnet), replaced whole in one
/// transaction (create, delete, define: nft -f is atomic, so there is no moment without the rule and no duplicate).
/// </summary>
internal sealed class PodMasquerade
{
    private readonly HostCommand _host;

    public PodMasquerade(HostCommand host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
    }

    /// <summary>The table's definition, the script that puts it in place whatever is there.</summary>
    public static string Ruleset(Ipv4Cidr podCidr, Ipv4Cidr clusterCidr)
    {
        var table = PodNetworkNames.NftTable;
        return $$"""
            table ip {{table}} {
            }
            delete table ip {{table}}
            table ip {{table}} {
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr {{podCidr}} ip daddr != {{clusterCidr}} masquerade fully-random comment "drover-agent: pods leaving the pod network"
                }
            }

            """;
    }

    public Task ApplyAsync(string ruleset, CancellationToken ct) => _host.RunCheckedAsync("nft", ["-f", "-"], ruleset, ct);

    /// <summary>Whether the table is there (someone may have flushed the ruleset): a resync puts it back.</summary>
    public async Task<bool> ExistsAsync(CancellationToken ct) =>
        (await _host.RunAsync("nft", ["list", "table", "ip", PodNetworkNames.NftTable], null, ct).ConfigureAwait(false)).ExitCode == 0;

    /// <summary>Removes the table (masquerading turned off, clean-up); nothing when it is not there.</summary>
    public async Task RemoveAsync(CancellationToken ct)
    {
        if (await ExistsAsync(ct).ConfigureAwait(false))
            await _host.RunCheckedAsync("nft", ["delete", "table", "ip", PodNetworkNames.NftTable], null, ct).ConfigureAwait(false);
    }
}
