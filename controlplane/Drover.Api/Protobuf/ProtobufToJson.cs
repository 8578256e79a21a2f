using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.Api.Protobuf;

/// <summary>
/// Turns one object in Kubernetes' protobuf encoding into the JSON Kubernetes would print for it, driven by
/// <see cref="ProtoSchema"/>. As Go does after decoding: a field the table does not know is skipped; a zero value in a
/// field that is not a Go pointer is the same as an absent one and left out (gogo-protobuf writes every non-pointer
/// field, so kubectl's body carries <c>paused: false</c>, <c>resources: {}</c> and an empty creationTimestamp), while a
/// pointer field keeps its zero (<c>replicas: 0</c>, <c>emptyDir: {}</c>). Checked while reading: nesting
/// (<see cref="InputLimits.MaxDepth"/>), values (<see cref="InputLimits.MaxNodes"/>), string and key lengths, UTF-8,
/// wire types; a refusal names the field path as the JSON decoder writes it.
/// </summary>
internal sealed class ProtobufToJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ProtoSchema _schema;
    private int _nodes;

    public ProtobufToJson(ProtoSchema schema) => _schema = schema;

    public JsonObject Convert(ReadOnlySpan<byte> raw, ProtoMessage message)
    {
        var obj = new JsonObject();
        ReadMessage(raw, message, "", 1, obj);
        return obj;
    }

    /// <summary>A string field's value: UTF-8 within <paramref name="maxLength"/>, or a refusal naming <paramref name="path"/>.</summary>
    public static string Utf8(ReadOnlySpan<byte> bytes, string path, int maxLength = InputLimits.MaxStringLength)
    {
        if (bytes.Length > maxLength)
            throw ManifestException.LimitExceeded(maxLength == InputLimits.MaxKeyLength ? nameof(InputLimits.MaxKeyLength) : nameof(InputLimits.MaxStringLength),
                $"{path}: a string of {bytes.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes is over the limit {(maxLength == InputLimits.MaxKeyLength ? nameof(InputLimits.MaxKeyLength) : nameof(InputLimits.MaxStringLength))} = {maxLength.ToString("N0", CultureInfo.InvariantCulture)}");
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ManifestException($"{path}: the string is not valid UTF-8", path);
        }
    }

    private void ReadMessage(ReadOnlySpan<byte> bytes, ProtoMessage message, string path, int depth, JsonObject into)
    {
        if (depth > InputLimits.MaxDepth)
            throw ManifestException.LimitExceeded(nameof(InputLimits.MaxDepth), $"{Name(path)}: nesting deeper than MaxDepth = {InputLimits.MaxDepth}");
        var reader = new ProtoWireReader(bytes);
        var current = "";
        try
        {
            while (!reader.End)
            {
                var (number, wire) = reader.ReadTag();
                if (!message.Fields.TryGetValue(number, out var field))
                {
                    current = "";
                    reader.Skip(wire);                     // a field newer than the table: Kubernetes' decoder skips it too
                    continue;
                }
                current = Join(path, field.JsonName);
                ReadField(ref reader, wire, field, current, path, depth, into);
            }
        }
        catch (ProtoWireException e)
        {
            var at = current.Length > 0 ? current : Name(path);
            throw new ManifestException($"{at}: malformed protobuf: {e.Message}", at);
        }
    }

    private void ReadField(ref ProtoWireReader reader, ProtoWireType wire, ProtoField field, string path, string parentPath, int depth, JsonObject into)
    {
        switch (field.Cardinality)
        {
            case ProtoCardinality.Map:
            {
                Expect(wire, ProtoWireType.LengthDelimited, field, path);
                var map = Child(into, field, path, static () => new JsonObject());
                var (key, value) = ReadMapEntry(reader.ReadLengthDelimited(), field, path, depth);
                map[key] = value;
                return;
            }
            case ProtoCardinality.Repeated:
            {
                var list = Child(into, field, path, static () => new JsonArray());
                if (wire == ProtoWireType.LengthDelimited && IsPackable(field.Type))
                {
                    var packed = new ProtoWireReader(reader.ReadLengthDelimited());
                    while (!packed.End)
                        list.Add(ReadValue(ref packed, PackedWire(field.Type), field, $"{path}[{list.Count}]", depth));
                    return;
                }
                list.Add(ReadValue(ref reader, wire, field, $"{path}[{list.Count}]", depth));
                return;
            }
        }
        if (field.Inline)
        {
            Expect(wire, ProtoWireType.LengthDelimited, field, path);
            ReadMessage(reader.ReadLengthDelimited(), _schema.Get(field.MessageKey!), parentPath, depth + 1, into);
            return;
        }
        var single = ReadValue(ref reader, wire, field, path, depth);
        if (field.Pointer || !IsZero(single))
            into[field.JsonName] = single;
        else
            into.Remove(field.JsonName);                   // a later zero overrides an earlier value, as in Go
    }

    private (string Key, JsonNode? Value) ReadMapEntry(ReadOnlySpan<byte> entry, ProtoField field, string path, int depth)
    {
        var reader = new ProtoWireReader(entry);
        var key = "";
        JsonNode? value = null;
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1)
            {
                Expect(wire, ProtoWireType.LengthDelimited, field, path);
                key = Utf8(reader.ReadLengthDelimited(), path, InputLimits.MaxKeyLength);
            }
            else if (number == 2)
            {
                value = ReadValue(ref reader, wire, field, $"{path}[{key}]", depth);
            }
            else
            {
                reader.Skip(wire);
            }
        }
        Count(path);
        // An entry without a value has the type's zero value in Go (an empty string, "0" for a quantity).
        return (key, value ?? ZeroOf(field));
    }

    private JsonNode? ReadValue(ref ProtoWireReader reader, ProtoWireType wire, ProtoField field, string path, int depth)
    {
        Count(path);
        switch (field.Type)
        {
            case ProtoType.String:
                Expect(wire, ProtoWireType.LengthDelimited, field, path);
                return JsonValue.Create(Utf8(reader.ReadLengthDelimited(), path));
            case ProtoType.Bytes:
                Expect(wire, ProtoWireType.LengthDelimited, field, path);
                return JsonValue.Create(System.Convert.ToBase64String(reader.ReadLengthDelimited()));
            case ProtoType.Bool:
                Expect(wire, ProtoWireType.Varint, field, path);
                return JsonValue.Create(reader.ReadVarint() != 0);
            case ProtoType.Int32:
                Expect(wire, ProtoWireType.Varint, field, path);
                return JsonValue.Create(unchecked((int)reader.ReadVarint()));
            case ProtoType.Int64:
                Expect(wire, ProtoWireType.Varint, field, path);
                return JsonValue.Create(unchecked((long)reader.ReadVarint()));
            case ProtoType.Double:
                Expect(wire, ProtoWireType.Fixed64, field, path);
                return Finite(BitConverter.UInt64BitsToDouble(reader.ReadFixed64()), path);
            case ProtoType.Float:
                Expect(wire, ProtoWireType.Fixed32, field, path);
                return Finite(BitConverter.UInt32BitsToSingle(reader.ReadFixed32()), path);
        }
        Expect(wire, ProtoWireType.LengthDelimited, field, path);
        var bytes = reader.ReadLengthDelimited();
        return field.Type switch
        {
            ProtoType.Time => ReadTime(bytes, path, micro: false),
            ProtoType.MicroTime => ReadTime(bytes, path, micro: true),
            ProtoType.Quantity => JsonValue.Create(ReadString1(bytes, path)),
            ProtoType.RawJson => ReadRawJson(bytes, path),
            ProtoType.IntOrString => ReadIntOrString(bytes, path),
            ProtoType.Message => ReadNested(bytes, _schema.Get(field.MessageKey!), path, depth),
            _ => throw new ManifestException($"{path}: a {field.Type} field cannot be read from protobuf", path),
        };
    }

    private JsonObject ReadNested(ReadOnlySpan<byte> bytes, ProtoMessage message, string path, int depth)
    {
        var obj = new JsonObject();
        ReadMessage(bytes, message, path, depth + 1, obj);
        return obj;
    }

    private static JsonNode? ReadTime(ReadOnlySpan<byte> bytes, string path, bool micro)
    {
        long seconds = 0, nanos = 0;
        var reader = new ProtoWireReader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number is 1 or 2 && wire == ProtoWireType.Varint)
            {
                var value = unchecked((long)reader.ReadVarint());
                if (number == 1) seconds = value;
                else nanos = value;
            }
            else
            {
                reader.Skip(wire);
            }
        }
        if (seconds == 0 && nanos == 0)
            return null;                                   // Go's zero time: JSON null, left out of a non-pointer field
        if (seconds is < -62135596800 or > 253402300799 || nanos is < 0 or > 999_999_999)
            throw new ManifestException($"{path}: the time {seconds} s {nanos} ns is out of range", path);
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
        return JsonValue.Create(time.ToString(micro ? "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    private static string ReadString1(ReadOnlySpan<byte> bytes, string path)
    {
        var text = "";
        var reader = new ProtoWireReader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1 && wire == ProtoWireType.LengthDelimited)
                text = Utf8(reader.ReadLengthDelimited(), path);
            else
                reader.Skip(wire);
        }
        return text;
    }

    private static JsonNode? ReadRawJson(ReadOnlySpan<byte> bytes, string path)
    {
        var raw = ReadOnlySpan<byte>.Empty;
        var reader = new ProtoWireReader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1 && wire == ProtoWireType.LengthDelimited)
                raw = reader.ReadLengthDelimited();
            else
                reader.Skip(wire);
        }
        if (raw.IsEmpty)
            return null;
        try
        {
            return JsonNode.Parse(raw, documentOptions: JsonInput.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new ManifestException($"{path}: the embedded JSON is malformed: {e.Message}", path);
        }
    }

    private static JsonNode ReadIntOrString(ReadOnlySpan<byte> bytes, string path)
    {
        long type = 0;
        var intValue = 0;
        var text = "";
        var reader = new ProtoWireReader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            switch (number)
            {
                case 1 when wire == ProtoWireType.Varint: type = unchecked((long)reader.ReadVarint()); break;
                case 2 when wire == ProtoWireType.Varint: intValue = unchecked((int)reader.ReadVarint()); break;
                case 3 when wire == ProtoWireType.LengthDelimited: text = Utf8(reader.ReadLengthDelimited(), path); break;
                default: reader.Skip(wire); break;
            }
        }
        return type switch
        {
            0 => JsonValue.Create(intValue),
            1 => JsonValue.Create(text),
            _ => throw new ManifestException($"{path}: IntOrString type {type} is neither 0 (int) nor 1 (string)", path),
        };
    }

    private static JsonValue Finite(double value, string path) =>
        double.IsFinite(value) ? JsonValue.Create(value) : throw new ManifestException($"{path}: {value} is not a number JSON can hold", path);

    private static bool IsZero(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number =>
            (v.TryGetValue<int>(out var i) && i == 0) || (v.TryGetValue<long>(out var l) && l == 0) || (v.TryGetValue<double>(out var d) && d == 0),
        _ => false,
    };

    private static JsonNode? ZeroOf(ProtoField field) => field.Type switch
    {
        ProtoType.String or ProtoType.Bytes => JsonValue.Create(""),
        ProtoType.Quantity => JsonValue.Create("0"),
        ProtoType.Bool => JsonValue.Create(false),
        ProtoType.Int32 or ProtoType.Int64 or ProtoType.IntOrString => JsonValue.Create(0),
        ProtoType.Message => new JsonObject(),
        _ => null,
    };

    private static bool IsPackable(ProtoType type) => type is ProtoType.Bool or ProtoType.Int32 or ProtoType.Int64 or ProtoType.Double or ProtoType.Float;

    private static ProtoWireType PackedWire(ProtoType type) => type switch
    {
        ProtoType.Double => ProtoWireType.Fixed64,
        ProtoType.Float => ProtoWireType.Fixed32,
        _ => ProtoWireType.Varint,
    };

    private static T Child<T>(JsonObject into, ProtoField field, string path, Func<T> create)
        where T : JsonNode
    {
        if (into[field.JsonName] is T existing)
            return existing;
        if (into.ContainsKey(field.JsonName))
            throw new ManifestException($"{path}: the field appears with two different shapes", path);
        var created = create();
        into[field.JsonName] = created;
        return created;
    }

    private static void Expect(ProtoWireType wire, ProtoWireType expected, ProtoField field, string path)
    {
        if (wire != expected)
            throw new ManifestException($"{path}: wire type {(int)wire} ({wire}) where the {field.Type} field has wire type {(int)expected} ({expected})", path);
    }

    private void Count(string path)
    {
        if (++_nodes > InputLimits.MaxNodes)
            throw ManifestException.LimitExceeded(nameof(InputLimits.MaxNodes), $"{path}: more than MaxNodes = {InputLimits.MaxNodes.ToString("N0", CultureInfo.InvariantCulture)} values in one object");
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Name(string path) => path.Length == 0 ? "(the object)" : path;
}
