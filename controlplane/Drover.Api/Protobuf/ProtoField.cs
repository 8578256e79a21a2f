using System.Globalization;

namespace Drover.Api.Protobuf;

/// <summary>
/// One field of a message, as a line of <see cref="KubernetesProtoFields.Table"/> gives it
/// (<c>NUMBER=jsonName:[*|{|?|^]TYPE</c>).
/// </summary>
/// <param name="Type">A <see cref="ProtoType"/>; <see cref="ProtoType.Message"/> with <paramref name="MessageKey"/>.</param>
/// <param name="Pointer">The Go field is a pointer: a zero value was set on purpose and is kept in the JSON.</param>
/// <param name="Inline">An embedded Go struct: its fields go into the parent's JSON object.</param>
internal sealed record ProtoField(int Number, string JsonName, ProtoType Type, string? MessageKey, ProtoCardinality Cardinality, bool Pointer, bool Inline)
{
    public static ProtoField Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var equals = token.IndexOf('=', StringComparison.Ordinal);
        var colon = token.IndexOf(':', equals);
        var number = int.Parse(token.AsSpan(0, equals), NumberStyles.None, CultureInfo.InvariantCulture);
        var name = token[(equals + 1)..colon];
        var type = token[(colon + 1)..];
        var cardinality = ProtoCardinality.Single;
        bool pointer = false, inline = false;
        switch (type[0])
        {
            case '*': cardinality = ProtoCardinality.Repeated; type = type[1..]; break;
            case '{': cardinality = ProtoCardinality.Map; type = type[1..]; break;
            case '?': pointer = true; type = type[1..]; break;
            case '^': inline = true; type = type[1..]; break;
        }
        var kind = type switch
        {
            "s" => ProtoType.String,
            "y" => ProtoType.Bytes,
            "b" => ProtoType.Bool,
            "i" => ProtoType.Int32,
            "l" => ProtoType.Int64,
            "d" => ProtoType.Double,
            "f" => ProtoType.Float,
            "T" => ProtoType.Time,
            "M" => ProtoType.MicroTime,
            "D" => ProtoType.Duration,
            "R" => ProtoType.RawJson,
            "Q" => ProtoType.Quantity,
            "I" => ProtoType.IntOrString,
            _ when type.Contains('.', StringComparison.Ordinal) => ProtoType.Message,
            _ => throw new FormatException($"unknown protobuf field type \"{type}\" in \"{token}\""),
        };
        return new ProtoField(number, name, kind, kind == ProtoType.Message ? type : null, cardinality, pointer, inline);
    }
}
