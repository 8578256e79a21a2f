namespace Drover.Agent.ClusterDns;

/// <summary>
/// One query in, one response (or a decision to forward) out. Pure: the server, the unit tests and the fuzz target
/// all go through here, so what is fuzzed is what answers.
/// </summary>
internal static class DnsResponder
{
    /// <summary>Every response fits this buffer size.</summary>
    public const int BufferBytes = DnsWire.MaxUdpBytes;

    /// <summary>
    /// Writes the response to <paramref name="packet"/> into <paramref name="response"/> (at least <see cref="BufferBytes"/>)
    /// and returns its length: 0 for a packet dropped unanswered, -1 for a name outside the cluster domain when
    /// <paramref name="forwarding"/> (the caller relays it upstream as it came). With <paramref name="tcp"/> the
    /// response may fill <paramref name="response"/> (up to <see cref="DnsWire.MaxTcpResponseBytes"/>); over UDP it is
    /// cut to the client's size with TC set.
    /// </summary>
    public static int Respond(ReadOnlySpan<byte> packet, Span<byte> response, ClusterDnsZone zone, bool forwarding, out DnsQuery? query, out int responseCode, bool tcp = false)
    {
        ArgumentNullException.ThrowIfNull(zone);
        query = null;
        responseCode = DnsWire.NoError;
        switch (DnsQueryReader.Read(packet, out query))
        {
            case DnsReadStatus.Drop:
                return 0;
            case DnsReadStatus.FormatError:
                responseCode = DnsWire.FormErr;
                return DnsResponseWriter.WriteHeaderOnly(response, DnsQueryReader.Id(packet), recursionDesired: false, DnsWire.FormErr);
            case DnsReadStatus.NotImplemented:
                responseCode = DnsWire.NotImp;
                return DnsResponseWriter.WriteHeaderOnly(response, DnsQueryReader.Id(packet), recursionDesired: false, DnsWire.NotImp);
        }

        var q = query!;
        DnsAnswer answer;
        var authoritative = false;
        if (q.Class is not (DnsWire.ClassIn or DnsWire.ClassAny))
        {
            answer = new DnsAnswer(DnsWire.NotImp, []);
        }
        else if (zone.Contains(q.Name))
        {
            answer = zone.Answer(q.Name, q.Type);
            authoritative = true;
        }
        else if (forwarding)
        {
            return -1;
        }
        else
        {
            // Nothing leaves the node unless an upstream is configured: a name that is not the cluster's is refused.
            answer = DnsAnswer.Refused;
        }
        responseCode = answer.ResponseCode;
        return DnsResponseWriter.Write(response, packet, q, answer, authoritative, recursionAvailable: forwarding, tcp);
    }
}
