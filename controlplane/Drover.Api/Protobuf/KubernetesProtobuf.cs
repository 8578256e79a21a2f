using System.Buffers;
using System.Text.Json;

namespace Drover.Api.Protobuf;

/// <summary>
/// Request bodies in Kubernetes' protobuf encoding (<c>application/vnd.kubernetes.protobuf</c>), which kubectl and client-go
/// send for built-in kinds: the 4-byte magic <c>k8s\0</c>, then a runtime.Unknown (1: typeMeta {1: apiVersion, 2: kind},
/// 2: raw, 3: contentEncoding, 4: contentType) whose raw bytes are the object in the field numbers of Kubernetes'
/// generated.proto. The object is turned into the JSON the same object has, so it then takes the one JSON path
/// (strict decoding, validation, admission) every other body takes.
/// </summary>
public static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    public static bool IsProtobuf(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The envelope's apiVersion, kind and object bytes; a <see cref="ManifestException"/> naming what is wrong otherwise.</summary>
    public static (string ApiVersion, string Kind, ArraySegment<byte> Raw) ReadEnvelope(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.AsSpan().StartsWith(Magic))
            throw new ManifestException("the body does not start with the Kubernetes protobuf magic \"k8s\\0\"");
        string apiVersion = "", kind = "";
        var raw = ArraySegment<byte>.Empty;
        try
        {
            var reader = new ProtoWireReader(body.AsSpan(Magic.Length));
            while (!reader.End)
            {
                var (field, wire) = reader.ReadTag();
                if (wire != ProtoWireType.LengthDelimited || field is not (1 or 2))
                {
                    reader.Skip(wire);                     // contentEncoding (3), contentType (4): Kubernetes sends them empty
                    continue;
                }
                var value = reader.ReadLengthDelimited();
                if (field == 2)
                {
                    raw = new ArraySegment<byte>(body, Magic.Length + reader.Position - value.Length, value.Length);
                    continue;
                }
                var meta = new ProtoWireReader(value);
                while (!meta.End)
                {
                    var (metaField, metaWire) = meta.ReadTag();
                    if (metaWire == ProtoWireType.LengthDelimited && metaField is 1 or 2)
                    {
                        var text = ProtobufToJson.Utf8(meta.ReadLengthDelimited(), metaField == 1 ? "apiVersion" : "kind", InputLimits.MaxKeyLength);
                        if (metaField == 1) apiVersion = text;
                        else kind = text;
                    }
                    else
                    {
                        meta.Skip(metaWire);
                    }
                }
            }
        }
        catch (ProtoWireException e)
        {
            throw new ManifestException("malformed protobuf envelope: " + e.Message);
        }
        return (apiVersion, kind, raw);
    }

    /// <summary>
    /// The JSON of the object in <paramref name="body"/> (with its apiVersion and kind), or null when the kind is not one
    /// the table knows (the caller answers 415). Malformed bytes, a wrong wire type or a limit passed: a
    /// <see cref="ManifestException"/> naming the field path.
    /// </summary>
    public static byte[]? ToJson(byte[] body, out string apiVersion, out string kind)
    {
        (apiVersion, kind, var raw) = ReadEnvelope(body);
        if (ProtoSchema.Kubernetes.FindKind(apiVersion, kind) is not { } message)
            return null;
        var obj = new ProtobufToJson(ProtoSchema.Kubernetes).Convert(raw, message);
        obj.Insert(0, "apiVersion", apiVersion);
        obj.Insert(1, "kind", kind);
        var output = new ArrayBufferWriter<byte>(raw.Count * 2 + 256);
        using (var writer = new Utf8JsonWriter(output))
            obj.WriteTo(writer);
        return output.WrittenSpan.ToArray();
    }
}
