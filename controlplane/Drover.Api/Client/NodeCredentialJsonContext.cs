using System.Text.Json.Serialization;

namespace Drover.Api.Client;

// Unknown members are ignored (unlike the join's): a newer droverd may say more to an older agent or CLI.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NodeCredentialStatus))]
[JsonSerializable(typeof(NodeCredentialList))]
public sealed partial class NodeCredentialJsonContext : JsonSerializerContext;
