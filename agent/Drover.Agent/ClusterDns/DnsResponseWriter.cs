using System.Buffers.Binary;

namespace Drover.Agent.ClusterDns;

/// <summary>
/// Writes a response into a buffer of the size the client can take: the header, the question as the client sent it,
/// then as many answer records as fit (the question's own name compressed to a pointer at it); what does not fit
/// sets TC. Pure.
/// </summary>
internal static class DnsResponseWriter
{
    private const int QuestionOffset = DnsWire.HeaderBytes;
    private const int OptBytes = 11;

    /// <summary>The bytes a response to <paramref name="query"/> may take over UDP.</summary>
    public static int UdpLimit(DnsQuery query) =>
        query.EdnsUdpSize is { } size ? Math.Clamp((int)size, DnsWire.ClassicUdpBytes, DnsWire.MaxUdpBytes) : DnsWire.ClassicUdpBytes;

    /// <summary>
    /// With <paramref name="tcp"/> the response may fill <paramref name="buffer"/> (RFC 7766); over UDP it keeps to
    /// what the client said it takes, and what does not fit sets TC so the client asks again over TCP.
    /// </summary>
    public static int Write(Span<byte> buffer, ReadOnlySpan<byte> packet, DnsQuery query, DnsAnswer answer, bool authoritative, bool recursionAvailable, bool tcp = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(answer);
        var limit = tcp ? Math.Min(buffer.Length, DnsWire.MaxTcpResponseBytes) : Math.Min(buffer.Length, UdpLimit(query));
        var opt = query.EdnsUdpSize is not null ? OptBytes : 0;
        var question = packet[QuestionOffset..query.QuestionEnd];
        if (QuestionOffset + question.Length + opt > limit)
            return WriteHeaderOnly(buffer, query.Id, query.RecursionDesired, DnsWire.ServFail);

        var flags = 0x8000 | (authoritative ? 0x0400 : 0) | (query.RecursionDesired ? 0x0100 : 0) | (recursionAvailable ? 0x0080 : 0) | (answer.ResponseCode & 0xF);
        question.CopyTo(buffer[QuestionOffset..]);
        var at = QuestionOffset + question.Length;
        var count = 0;
        foreach (var record in answer.Records)
        {
            if (!TryWriteRecord(buffer[..(limit - opt)], ref at, record, query.Name))
            {
                flags |= 0x0200;
                break;
            }
            count++;
        }
        if (opt > 0)
        {
            // Our own OPT record: root, type 41, the UDP size we take, no extended flags, no options.
            buffer[at] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 1)..], DnsWire.TypeOpt);
            BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 3)..], DnsWire.MaxUdpBytes);
            buffer.Slice(at + 5, 6).Clear();
            at += OptBytes;
        }
        WriteHeader(buffer, query.Id, (ushort)flags, questions: 1, (ushort)count, additional: (ushort)(opt > 0 ? 1 : 0));
        return at;
    }

    /// <summary>A header-only answer (FORMERR, NOTIMP): no question is echoed, since it could not be read.</summary>
    public static int WriteHeaderOnly(Span<byte> buffer, ushort id, bool recursionDesired, int responseCode)
    {
        WriteHeader(buffer, id, (ushort)(0x8000 | (recursionDesired ? 0x0100 : 0) | (responseCode & 0xF)), questions: 0, answers: 0, additional: 0);
        return DnsWire.HeaderBytes;
    }

    private static bool TryWriteRecord(Span<byte> buffer, ref int at, DnsRecord record, string questionName)
    {
        var start = at;
        int nameBytes;
        if (string.Equals(record.Name, questionName, StringComparison.Ordinal))
        {
            if (at + 2 > buffer.Length)
                return false;
            BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], 0xC000 | QuestionOffset);
            nameBytes = 2;
        }
        else if (!DnsName.TryWrite(buffer[at..], record.Name, out nameBytes))
        {
            return false;
        }
        at += nameBytes;
        if (at + 10 + record.Data.Length > buffer.Length)
        {
            at = start;
            return false;
        }
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], record.Type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], DnsWire.ClassIn);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[(at + 4)..], record.Ttl);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 8)..], (ushort)record.Data.Length);
        record.Data.CopyTo(buffer[(at + 10)..]);
        at += 10 + record.Data.Length;
        return true;
    }

    private static void WriteHeader(Span<byte> buffer, ushort id, ushort flags, ushort questions, ushort answers, ushort additional)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer, id);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], flags);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[4..], questions);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[6..], answers);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[8..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[10..], additional);
    }
}
