using System.Buffers;
using System.Text;

namespace Drover.ControlPlane.Api.OpenApi;

/// <summary>
/// The protobuf wire format, the little of it the OpenAPI v2 document needs: strings, booleans and nested messages
/// (length-delimited, built inside out). Written by hand so droverd needs neither a .proto compiler nor reflection.
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void String(int field, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        Tag(field, 2);
        var bytes = Encoding.UTF8.GetBytes(value);
        Varint((ulong)bytes.Length);
        _buffer.Write(bytes);
    }

    public void Bool(int field, bool value)
    {
        if (!value)
            return;
        Tag(field, 0);
        Varint(1);
    }

    /// <summary>A nested message (written even when empty: presence matters for a oneof).</summary>
    public void Message(int field, Action<ProtobufWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var inner = new ProtobufWriter();
        body(inner);
        Tag(field, 2);
        Varint((ulong)inner._buffer.WrittenCount);
        _buffer.Write(inner._buffer.WrittenSpan);
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.Write([(byte)(value | 0x80)]);
            value >>= 7;
        }
        _buffer.Write([(byte)value]);
    }
}
