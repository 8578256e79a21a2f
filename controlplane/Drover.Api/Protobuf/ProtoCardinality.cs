namespace Drover.Api.Protobuf;

/// <summary>Single, repeated (a JSON array) or a map with string keys (a JSON object of entries).</summary>
internal enum ProtoCardinality
{
    Single,
    Repeated,
    Map,
}
