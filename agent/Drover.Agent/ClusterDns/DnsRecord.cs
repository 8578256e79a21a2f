namespace Drover.Agent.ClusterDns;

/// <summary>One resource record of an answer: its owner name (lower case, no final dot), type, TTL and encoded RDATA.</summary>
internal sealed record DnsRecord(string Name, ushort Type, uint Ttl, byte[] Data);
