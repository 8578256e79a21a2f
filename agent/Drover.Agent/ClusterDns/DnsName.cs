using System.Buffers.Binary;

namespace Drover.Agent.ClusterDns;

/// <summary>Names and RDATA in wire form.</summary>
internal static class DnsName
{
    /// <summary>The wire length of <paramref name="name"/> (dotted, no final dot; "" is the root).</summary>
    public static int WireLength(string name) => name.Length == 0 ? 1 : name.Length + 2;

    /// <summary>Writes <paramref name="name"/> uncompressed; false (nothing usable written) when it does not fit.</summary>
    public static bool TryWrite(Span<byte> buffer, string name, out int written)
    {
        written = WireLength(name);
        if (written > buffer.Length)
            return false;
        var at = 0;
        foreach (var label in name.Length == 0 ? [] : name.Split('.'))
        {
            buffer[at++] = (byte)label.Length;
            foreach (var c in label)
                buffer[at++] = (byte)c;
        }
        buffer[at] = 0;
        return true;
    }

    /// <summary>True when <paramref name="name"/> can be put on the wire: labels of 1-63 printable ASCII characters, 255 bytes in all.</summary>
    public static bool IsValid(string name)
    {
        if (WireLength(name) > DnsWire.MaxNameBytes)
            return false;
        if (name.Length == 0)
            return true;
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > DnsWire.MaxLabelBytes)
                return false;
            foreach (var c in label)
                if (c is < '!' or > '~')
                    return false;
        }
        return true;
    }

    public static byte[] A(uint address)
    {
        var data = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(data, address);
        return data;
    }

    /// <summary>RFC 2782 RDATA: priority, weight, port, target (uncompressed, as the RFC requires).</summary>
    public static byte[] Srv(ushort priority, ushort weight, ushort port, string target)
    {
        var data = new byte[6 + WireLength(target)];
        BinaryPrimitives.WriteUInt16BigEndian(data, priority);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), weight);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4), port);
        TryWrite(data.AsSpan(6), target, out _);
        return data;
    }

    public static byte[] Cname(string target)
    {
        var data = new byte[WireLength(target)];
        TryWrite(data, target, out _);
        return data;
    }
}
