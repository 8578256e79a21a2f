namespace Drover.Agent.ClusterDns;

/// <summary>What the zone says to one question: a response code and the records (empty for NXDOMAIN and for a name without records of the type).</summary>
internal sealed record DnsAnswer(int ResponseCode, IReadOnlyList<DnsRecord> Records)
{
    public static readonly DnsAnswer NameError = new(DnsWire.NxDomain, []);
    public static readonly DnsAnswer Refused = new(DnsWire.Refused, []);
}
