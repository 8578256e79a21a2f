using System.Collections.Frozen;

namespace Drover.Api.Protobuf;

/// <summary>One message of <see cref="ProtoSchema"/>: its key and its fields by number.</summary>
internal sealed record ProtoMessage(string Key, FrozenDictionary<int, ProtoField> Fields);
