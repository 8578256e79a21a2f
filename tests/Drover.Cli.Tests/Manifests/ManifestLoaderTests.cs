using Drover.Api;
using Drover.Cli.Manifests;

using Drover.Cli.Tests;

namespace Drover.Cli.Manifests.Tests;

public class ManifestLoaderTests
{
    private static ManifestSet Load(string text, string source = "app.yaml") =>
        ManifestLoader.Load([new ManifestFile(source, text)], validate: true);

    [Fact]
    public void Load_AllSeeds_DecodeWithoutErrors()
    {
        var set = ManifestLoader.Load(Seeds.Files().Select(f => new ManifestFile(f, File.ReadAllText(f))), validate: true);
        Assert.Empty(set.Errors);
        Assert.Equal(["Deployment", "HorizontalPodAutoscaler", "Ingress", "Service"], set.Objects.Select(o => o.Object.Kind!).ToArray());
    }

    [Fact]
    public void Load_WrongTypeInSecondDocument_NamesFileDocumentLineFieldAndValue()
    {
        const string text = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ok
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: my-app
            spec:
              replicas: three
              selector:
                matchLabels: {app: a}
              template:
                metadata: {labels: {app: a}}
                spec:
                  containers: [{name: app, image: x}]
            """;
        var set = Load(text);
        var error = Assert.Single(set.Errors);
        Assert.StartsWith("error: app.yaml: document 2 (line 11): spec.replicas: Invalid value: \"three\": expected ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownField_NamesTheField()
    {
        var set = Load("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  prots:\n  - port: 80\n");
        var error = Assert.Single(set.Errors);
        Assert.StartsWith("error: app.yaml: document 1 (line 6): spec.prots: unknown field \"prots\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ValidationFailure_NamesFieldAndValue()
    {
        var text = Seeds.Text("seed-deployment.yaml").Replace("replicas: 3", "replicas: -1", StringComparison.Ordinal);
        var error = Assert.Single(Load(text, "seed-deployment.yaml").Errors);
        Assert.StartsWith("error: seed-deployment.yaml: document 1 (line 7): spec.replicas: Invalid value: -1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKind_IsReported()
    {
        var error = Assert.Single(Load("apiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: x\n").Errors);
        Assert.Contains("document 1 (line 2): kind: Unsupported value: \"Frobnicator\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BrokenYaml_NamesFileAndPosition()
    {
        var error = Assert.Single(Load("apiVersion: v1\nkind: [unclosed\n").Errors);
        Assert.StartsWith("error: app.yaml: invalid YAML at line", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JsonListDocument_ExpandsItems()
    {
        const string json = """
            {
            	"apiVersion": "v1",
            	"kind": "List",
            	"items": [
            		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
            		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}
            	]
            }
            """;
        var set = Load(json, "list.json");
        Assert.Empty(set.Errors);
        Assert.Equal(["a", "b"], set.Objects.Select(o => o.Name).ToArray());
    }

    [Fact]
    public void Load_KeepsManifestJsonInUserOrder()
    {
        var set = Load("kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: a\ndata:\n  z: '1'\n  a: '2'\n");
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"},"data":{"z":"1","a":"2"}}""", Assert.Single(set.Objects).Json.ToJsonString());
    }

    [Fact]
    public void Read_Directory_TakesManifestFilesInNameOrder()
    {
        var directory = Directory.CreateTempSubdirectory("drover-cli-test");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "b.yml"), "");
            File.WriteAllText(Path.Combine(directory.FullName, "a.json"), "{}");
            File.WriteAllText(Path.Combine(directory.FullName, "notes.txt"), "");
            Directory.CreateDirectory(Path.Combine(directory.FullName, "sub"));
            File.WriteAllText(Path.Combine(directory.FullName, "sub", "c.yaml"), "");
            var flat = ManifestFiles.Read([directory.FullName], recursive: false, TextReader.Null);
            Assert.Equal(["a.json", "b.yml"], flat.Select(f => Path.GetFileName(f.Source)).ToArray());
            var deep = ManifestFiles.Read([directory.FullName], recursive: true, TextReader.Null);
            Assert.Equal(["a.json", "b.yml", "c.yaml"], deep.Select(f => Path.GetFileName(f.Source)).ToArray());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Read_MissingPath_FailsLikeKubectl()
    {
        var e = Assert.Throws<CliException>(() => ManifestFiles.Read(["/nonexistent/x.yaml"], false, TextReader.Null));
        Assert.Equal("error: the path \"/nonexistent/x.yaml\" does not exist", e.Message);
    }

    [Fact]
    public void FieldLocator_IndexedPath_FindsTheLine()
    {
        var node = FieldLocator.Find(Seeds.Text("seed-deployment.yaml"), 2, "spec.template.spec.containers[0].resources.requests.cpu");
        Assert.NotNull(node);
        Assert.Equal(22, node.Value.Line);
        Assert.Equal("250m", ((YamlDotNet.RepresentationModel.YamlScalarNode)node.Value.Node).Value);
    }
}
