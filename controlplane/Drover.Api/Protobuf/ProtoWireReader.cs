using System.Buffers.Binary;

namespace Drover.Api.Protobuf;

/// <summary>
/// Reads the protobuf wire format from a span, one field at a time, without copying: every length is checked against
/// the bytes left before it is used, a varint has at most 10 bytes, and field numbers are within protobuf's range.
/// </summary>
internal ref struct ProtoWireReader
{
    private const int MaxFieldNumber = (1 << 29) - 1;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoWireReader(ReadOnlySpan<byte> data) => _data = data;

    public readonly bool End => _position >= _data.Length;

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _position;

    public (int Field, ProtoWireType Wire) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        if (field is 0 or > MaxFieldNumber)
            throw new ProtoWireException($"field number {field} at offset {_position} is out of range");
        var wire = (ProtoWireType)(tag & 7);
        if (wire is not (ProtoWireType.Varint or ProtoWireType.Fixed64 or ProtoWireType.LengthDelimited or ProtoWireType.Fixed32))
            throw new ProtoWireException($"wire type {(int)wire} of field {field} is not supported");
        return ((int)field, wire);
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
                throw new ProtoWireException($"the message ends inside a varint at offset {_position}");
            var b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        throw new ProtoWireException($"a varint longer than 10 bytes ends at offset {_position}");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw new ProtoWireException($"a length of {length} at offset {_position} runs past the end of the message ({_data.Length - _position} bytes left)");
        var value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public void Skip(ProtoWireType wire)
    {
        switch (wire)
        {
            case ProtoWireType.Varint: ReadVarint(); break;
            case ProtoWireType.Fixed64: Take(8); break;
            case ProtoWireType.LengthDelimited: ReadLengthDelimited(); break;
            case ProtoWireType.Fixed32: Take(4); break;
            default: throw new ProtoWireException($"wire type {(int)wire} cannot be skipped");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_data.Length - _position < count)
            throw new ProtoWireException($"the message ends inside a {count}-byte value at offset {_position}");
        var value = _data.Slice(_position, count);
        _position += count;
        return value;
    }
}
