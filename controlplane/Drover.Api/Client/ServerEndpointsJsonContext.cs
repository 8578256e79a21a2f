using System.Text.Json.Serialization;

namespace Drover.Api.Client;

// The answers of droverd's own endpoints outside the Kubernetes API (node credentials, certificates).
// Unknown members are ignored (unlike the join's): a newer droverd may say more to an older agent or CLI.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NodeCredentialStatus))]
[JsonSerializable(typeof(NodeCredentialList))]
[JsonSerializable(typeof(CertificateStatusList))]
public sealed partial class ServerEndpointsJsonContext : JsonSerializerContext;
