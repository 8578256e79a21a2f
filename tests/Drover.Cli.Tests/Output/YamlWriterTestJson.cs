using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drover.Cli.Output.Tests;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class YamlWriterTestJson : JsonSerializerContext;
