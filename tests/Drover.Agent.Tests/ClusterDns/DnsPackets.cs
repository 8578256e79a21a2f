using System.Buffers.Binary;
using System.Text;

namespace Drover.Agent.ClusterDns.Tests;

/// <summary>Queries built and responses read independently of the code under test (RFC 1035 by hand).</summary>
internal static class DnsPackets
{
    public static byte[] Query(string name, ushort type, ushort id = 0x1234, bool edns = false, ushort @class = 1)
    {
        var bytes = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, (byte)(edns ? 1 : 0) };
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.AddRange([0, (byte)(type >> 8), (byte)type, (byte)(@class >> 8), (byte)@class]);
        if (edns)
            bytes.AddRange([0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]);
        return [.. bytes];
    }

    public sealed record Answer(string Name, ushort Type, uint Ttl, byte[] Data);

    public sealed record Response(ushort Id, int Flags, int ResponseCode, int Questions, List<Answer> Answers, int Additional)
    {
        public bool Truncated => (Flags & 0x0200) != 0;
        public bool Authoritative => (Flags & 0x0400) != 0;
    }

    public static Response Read(ReadOnlySpan<byte> packet)
    {
        var flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var questions = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        var count = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        var offset = 12;
        for (var i = 0; i < questions; i++)
        {
            ReadName(packet, ref offset);
            offset += 4;
        }
        var answers = new List<Answer>();
        for (var i = 0; i < count; i++)
        {
            var name = ReadName(packet, ref offset);
            var type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 4)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 8)..]);
            answers.Add(new Answer(name, type, ttl, packet.Slice(offset + 10, length).ToArray()));
            offset += 10 + length;
        }
        return new Response(BinaryPrimitives.ReadUInt16BigEndian(packet), flags, flags & 0xF, questions, answers, BinaryPrimitives.ReadUInt16BigEndian(packet[10..]));
    }

    public static string ReadName(ReadOnlySpan<byte> packet, ref int offset)
    {
        var labels = new List<string>();
        var at = offset;
        var jumped = false;
        while (packet[at] != 0)
        {
            if ((packet[at] & 0xC0) == 0xC0)
            {
                var target = BinaryPrimitives.ReadUInt16BigEndian(packet[at..]) & 0x3FFF;
                if (!jumped)
                    offset = at + 2;
                jumped = true;
                at = target;
                continue;
            }
            labels.Add(Encoding.ASCII.GetString(packet.Slice(at + 1, packet[at])));
            at += packet[at] + 1;
        }
        if (!jumped)
            offset = at + 1;
        return string.Join('.', labels);
    }

    public static string Address(byte[] data) => new System.Net.IPAddress(data).ToString();

    /// <summary>SRV RDATA as "priority weight port target".</summary>
    public static string Srv(byte[] data)
    {
        var offset = 6;
        return $"{BinaryPrimitives.ReadUInt16BigEndian(data)} {BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(2))} {BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4))} {ReadName(data, ref offset)}";
    }
}
