using Drover.Api;

namespace Drover.Cli.Tests;

/// <summary>The seed manifests from examples/ (seed-*.yaml; hello.yaml is the demo), decoded as the CLI decodes them.</summary>
internal static class Seeds
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "examples");

    public static IEnumerable<string> Files() => System.IO.Directory.EnumerateFiles(Directory, "seed-*.yaml").Order(StringComparer.Ordinal);

    public static string Text(string name) => File.ReadAllText(Path.Combine(Directory, name));

    public static KubeObject Decode(string name) => ObjectDecoder.Decode(YamlToJson.ConvertSingle(Text(name)));

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var file in Files())
            data.Add(Path.GetFileName(file));
        return data;
    }
}
