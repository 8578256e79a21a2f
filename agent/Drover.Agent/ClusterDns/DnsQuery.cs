namespace Drover.Agent.ClusterDns;

/// <summary>
/// One DNS query as read from the wire (RFC 1035 §4.1): its one question, the name in lower case without the final
/// dot, and the bytes the question takes (echoed in the answer as the client sent them, letter case included).
/// </summary>
internal sealed record DnsQuery(ushort Id, bool RecursionDesired, string Name, ushort Type, ushort Class, int QuestionEnd, ushort? EdnsUdpSize);
