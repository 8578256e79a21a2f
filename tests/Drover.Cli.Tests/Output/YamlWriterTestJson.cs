using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drover.Cli.Tests.Output;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class YamlWriterTestJson : JsonSerializerContext;
