namespace Drover.Agent.ClusterDns;

/// <summary>The DNS constants this resolver uses (RFC 1035, RFC 2782 for SRV, RFC 6891 for EDNS).</summary>
internal static class DnsWire
{
    public const int HeaderBytes = 12;

    /// <summary>A query larger than classic UDP DNS allows is refused (real queries are well under 100 bytes).</summary>
    public const int MaxQueryBytes = 512;

    /// <summary>RFC 1035: a name takes at most 255 bytes on the wire, a label 63.</summary>
    public const int MaxNameBytes = 255;
    public const int MaxLabelBytes = 63;

    /// <summary>The answer size without EDNS, and the most this resolver answers over UDP with it (the DNS flag day's 1232).</summary>
    public const int ClassicUdpBytes = 512;
    public const int MaxUdpBytes = 1232;

    /// <summary>RFC 7766: over TCP a message is preceded by its length in two bytes, so a response can take 65,535 bytes.</summary>
    public const int TcpLengthBytes = 2;
    public const int MaxTcpResponseBytes = 65535;

    public const ushort TypeA = 1;
    public const ushort TypeCname = 5;
    public const ushort TypeAaaa = 28;
    public const ushort TypeSrv = 33;
    public const ushort TypeOpt = 41;
    public const ushort TypeAny = 255;
    public const ushort ClassIn = 1;
    public const ushort ClassAny = 255;

    public const int NoError = 0;
    public const int FormErr = 1;
    public const int ServFail = 2;
    public const int NxDomain = 3;
    public const int NotImp = 4;
    public const int Refused = 5;
}
