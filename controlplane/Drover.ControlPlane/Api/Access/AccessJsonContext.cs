using System.Text.Json.Serialization;
using Drover.Api;

namespace Drover.ControlPlane.Api.Access;

/// <summary>The review kinds, read as strictly as every API object (<see cref="ApiJsonContext"/>'s options).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    MaxDepth = InputLimits.MaxDepth,
    Converters = [typeof(KubeTimeJsonConverter)])]
[JsonSerializable(typeof(SelfSubjectAccessReview))]
[JsonSerializable(typeof(SelfSubjectReview))]
[JsonSerializable(typeof(SelfSubjectRulesReview))]
internal sealed partial class AccessJsonContext : JsonSerializerContext;
