using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Drover.ControlPlane.Api;

[JsonSerializable(typeof(JsonNode))]
internal sealed partial class NodeJsonContext : JsonSerializerContext;
