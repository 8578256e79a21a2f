using System.Text;

namespace Drover.Api.Protobuf.Tests;

/// <summary>A protobuf writer for hand-made test messages (fields in the order given, as gogo-protobuf writes them).</summary>
internal static class ProtoBytes
{
    public static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8, .. Bytes(1, [.. Text(1, apiVersion), .. Text(2, kind)]), .. Bytes(2, raw)];

    public static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public static byte[] Bytes(int field, byte[] value) => [.. Varint((ulong)(field << 3 | 2)), .. Varint((ulong)value.Length), .. value];

    public static byte[] Number(int field, long value) => [.. Varint((ulong)(field << 3)), .. Varint(unchecked((ulong)value))];

    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
