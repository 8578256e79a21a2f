namespace Drover.Api.Protobuf;

/// <summary>The wire types of the protobuf encoding (3 and 4, groups, are not used by Kubernetes and refused).</summary>
internal enum ProtoWireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}
