using System.Globalization;
using System.Net;
using System.Text;
using Drover.Api.Client;
using Drover.Api.PodNetwork;

namespace Drover.Agent.Network;

/// <summary>
/// The peers last routed, one per line ("name podCIDR InternalIP VTEP-MAC|-"), under the data dir: after a reboot with
/// droverd away the node routes to them again (edge autonomy, as its pods come back from the checkpoint).
/// </summary>
internal sealed class PeerCache
{
    private const int MaxBytes = 1 << 20;
    private readonly string _path;

    public PeerCache(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _path = Path.Combine(dataDirectory, "pod-network", "peers");
    }

    public void Save(IReadOnlyList<PodNetworkPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var text = new StringBuilder();
        foreach (var peer in peers)
            text.Append(CultureInfo.InvariantCulture, $"{peer.NodeName} {peer.PodCidr} {peer.InternalIp} {peer.VtepMac ?? "-"}\n");
        SecretFile.Write(_path, text.ToString());
    }

    /// <summary>The saved peers; an unreadable file or line is skipped (the next list from droverd is the truth anyway).</summary>
    public IReadOnlyList<PodNetworkPeer> Load()
    {
        var peers = new List<PodNetworkPeer>();
        try
        {
            if (!File.Exists(_path) || new FileInfo(_path).Length > MaxBytes)
                return peers;
            foreach (var line in File.ReadAllLines(_path))
            {
                var fields = line.Split(' ');
                if (fields.Length == 4 && fields[0].Length is > 0 and <= 253 && Ipv4Cidr.TryParse(fields[1], out var cidr)
                    && Ipv4Cidr.TryParseAddress(fields[2], out var address))
                    peers.Add(new PodNetworkPeer(fields[0], cidr, address, fields[3] == "-" ? null : PodNetworkPeers.NormalizeMac(fields[3])));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing to restore from: the node waits for droverd's list.
        }
        return peers;
    }
}
