namespace Drover.Agent.ClusterDns;

/// <summary>What <see cref="DnsTcpFraming.TryRead"/> found in a connection's buffer.</summary>
internal enum DnsFrameStatus
{
    NeedMore,
    Frame,
    TooLarge,
}
