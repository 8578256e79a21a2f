using System.Text.Json.Serialization;

namespace Drover.Cli.Output.JsonPath;

[JsonSerializable(typeof(string))]
internal sealed partial class JsonPathJsonContext : JsonSerializerContext;
