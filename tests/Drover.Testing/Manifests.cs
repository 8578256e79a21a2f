using System.Text;
using Drover.Api;

namespace Drover.Testing;

public static class Manifests
{
    public static string Seed(string file) => File.ReadAllText(Path.Combine(RepoPaths.Examples, file));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static T Decode<T>(string yaml) where T : KubeObject => (T)ObjectDecoder.Decode(YamlToJson.ConvertSingle(yaml));

    public static ConfigMap ConfigMap(string ns, string name, IEnumerable<OwnerReference>? owners = null) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, OwnerReferences = owners?.ToList() },
        Data = new Dictionary<string, string> { ["key"] = "value" },
    };

    public static Namespace Namespace(string name) => new() { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = name } };
}
