using System.Buffers.Binary;

namespace Drover.Agent.ClusterDns;

/// <summary>
/// RFC 7766 framing: each message over TCP is preceded by its length (two bytes, big-endian). Reads a frame from
/// what a connection has buffered without trusting the length: one longer than <see cref="DnsWire.MaxQueryBytes"/>
/// is refused before a byte of it is read (the connection is closed; nothing of it is buffered). Pure.
/// </summary>
internal static class DnsTcpFraming
{
    /// <summary>The most a connection buffers: one length prefix and one query of the largest size taken.</summary>
    public const int MaxFrameBytes = DnsWire.TcpLengthBytes + DnsWire.MaxQueryBytes;

    /// <summary>
    /// <see cref="DnsFrameStatus.Frame"/> with the message's length when <paramref name="buffered"/> holds a whole
    /// frame (the message starts after the prefix), <see cref="DnsFrameStatus.NeedMore"/> when it does not yet,
    /// <see cref="DnsFrameStatus.TooLarge"/> when the prefix announces more than a query may take.
    /// </summary>
    public static DnsFrameStatus TryRead(ReadOnlySpan<byte> buffered, out int messageLength)
    {
        messageLength = 0;
        if (buffered.Length < DnsWire.TcpLengthBytes)
            return DnsFrameStatus.NeedMore;
        var length = BinaryPrimitives.ReadUInt16BigEndian(buffered);
        if (length > DnsWire.MaxQueryBytes)
            return DnsFrameStatus.TooLarge;
        if (buffered.Length < DnsWire.TcpLengthBytes + length)
            return DnsFrameStatus.NeedMore;
        messageLength = length;
        return DnsFrameStatus.Frame;
    }

    /// <summary>Writes the length prefix of a <paramref name="messageLength"/>-byte message.</summary>
    public static void WritePrefix(Span<byte> destination, int messageLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(messageLength, DnsWire.MaxTcpResponseBytes);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)messageLength);
    }
}
