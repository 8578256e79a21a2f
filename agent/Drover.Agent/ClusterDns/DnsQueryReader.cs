using System.Buffers.Binary;

namespace Drover.Agent.ClusterDns;

/// <summary>
/// Reads a DNS query within limits, never trusting a count or a length in it: at most <see cref="DnsWire.MaxQueryBytes"/>
/// bytes, exactly one question, no answer or authority records, at most one additional record (the EDNS OPT record),
/// a question name of at most 255 bytes in labels of at most 63 printable ASCII characters, and no compression pointer
/// (clients send none in a question; following one is how parsers loop). Pure: bytes in, a status and a query out.
/// </summary>
internal static class DnsQueryReader
{
    public static DnsReadStatus Read(ReadOnlySpan<byte> packet, out DnsQuery? query)
    {
        query = null;
        if (packet.Length < DnsWire.HeaderBytes)
            return DnsReadStatus.Drop;
        var flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((flags & 0x8000) != 0)
            return DnsReadStatus.Drop;
        if (((flags >> 11) & 0xF) != 0)
            return DnsReadStatus.NotImplemented;
        if (packet.Length > DnsWire.MaxQueryBytes)
            return DnsReadStatus.FormatError;
        var questions = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        var authorities = BinaryPrimitives.ReadUInt16BigEndian(packet[8..]);
        var additional = BinaryPrimitives.ReadUInt16BigEndian(packet[10..]);
        if (questions != 1 || answers != 0 || authorities != 0 || additional > 1)
            return DnsReadStatus.FormatError;

        var offset = DnsWire.HeaderBytes;
        if (!TryReadName(packet, ref offset, out var name) || offset + 4 > packet.Length)
            return DnsReadStatus.FormatError;
        var type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
        offset += 4;
        var questionEnd = offset;

        ushort? udpSize = null;
        if (additional == 1)
        {
            // The OPT pseudo-record: root name, type 41, the client's UDP size as class, TTL, then RDATA we skip.
            if (offset + 11 > packet.Length || packet[offset] != 0 || BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 1)..]) != DnsWire.TypeOpt)
                return DnsReadStatus.FormatError;
            udpSize = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 3)..]);
            var rdata = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 9)..]);
            offset += 11;
            if (rdata > packet.Length - offset)
                return DnsReadStatus.FormatError;
            offset += rdata;
        }
        if (offset != packet.Length)
            return DnsReadStatus.FormatError;
        query = new DnsQuery(BinaryPrimitives.ReadUInt16BigEndian(packet), (flags & 0x0100) != 0, name, type, @class, questionEnd, udpSize);
        return DnsReadStatus.Query;
    }

    /// <summary>The id of any packet with a header (for a FORMERR answer), else 0.</summary>
    public static ushort Id(ReadOnlySpan<byte> packet) => packet.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(packet) : (ushort)0;

    private static bool TryReadName(ReadOnlySpan<byte> packet, ref int offset, out string name)
    {
        name = "";
        Span<char> chars = stackalloc char[DnsWire.MaxNameBytes];
        var length = 0;
        var wire = 0;
        while (true)
        {
            if (offset >= packet.Length)
                return false;
            int label = packet[offset++];
            wire++;
            if (label == 0)
                break;
            if (label > DnsWire.MaxLabelBytes || offset + label > packet.Length || wire + label > DnsWire.MaxNameBytes)
                return false;
            if (length > 0)
                chars[length++] = '.';
            foreach (var b in packet.Slice(offset, label))
            {
                if (b is < 0x21 or > 0x7E or (byte)'.')
                    return false;
                chars[length++] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b);
            }
            offset += label;
            wire += label;
        }
        name = new string(chars[..length]);
        return true;
    }
}
