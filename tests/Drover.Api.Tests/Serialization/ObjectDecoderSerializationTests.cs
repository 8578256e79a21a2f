using System.Text;

namespace Drover.Api.Tests;

/// <summary>Strict decoding of request bodies and manifests: every failure names the field (or line) to fix.</summary>
public class ObjectDecoderSerializationTests
{
    private const string Replicas = "  replicas: 3\n";
    private const string Image = "          image: my-app:v1.0\n";

    private static ManifestException DecodeFails(string yaml) =>
        Assert.Throws<ManifestException>(() => ObjectDecoder.Decode(YamlToJson.ConvertSingle(yaml)));

    [Theory]
    [InlineData(Replicas, "  replica: 3\n", "spec.replica")]
    [InlineData(Image, Image + "          imagePolicy: Always\n", "spec.template.spec.containers[0].imagePolicy")]
    [InlineData("  name: my-app\n", "  name: my-app\n  labelz: {}\n", "metadata.labelz")]
    [InlineData(Replicas, "  replicas: three\n", "spec.replicas")]
    [InlineData(Replicas, "  replicas: 3.5\n", "spec.replicas")]
    [InlineData(Replicas, "  replicas: [3]\n", "spec.replicas")]
    [InlineData("cpu: \"250m\"", "cpu: \"12x\"", "spec.template.spec.containers[0].resources.requests.cpu")]
    [InlineData("memory: \"256Mi\"", "memory: 1.5.5", "spec.template.spec.containers[0].resources.limits.memory")]
    [InlineData("              port: 3000", "              port: {number: 3000}", "spec.template.spec.containers[0].readinessProbe.httpGet.port")]
    [InlineData(Image, Image + "          ports:\n            - {containerPort: 80, name: 8080}\n", "spec.template.spec.containers[0].ports[0].name")]
    public void Decode_BadField_ReportsFieldPath(string find, string replace, string field)
    {
        var error = DecodeFails(Manifests.Patch(Manifests.Deployment, find, replace));

        Assert.Equal(field, error.Field);
        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UnknownField_SaysUnknownField()
    {
        var error = DecodeFails(Manifests.Patch(Manifests.Deployment, Replicas, "  replica: 3\n"));

        Assert.Contains("unknown field \"replica\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WrongApiVersion_ReportsApiVersion()
    {
        var error = DecodeFails(Manifests.Read(Manifests.Deployment).Replace("apps/v1", "apps/v2", StringComparison.Ordinal));

        Assert.Equal("apiVersion", error.Field);
        Assert.Contains("apps/v2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MissingApiVersion_ReportsApiVersion()
    {
        var error = DecodeFails(Manifests.Read(Manifests.Deployment).Replace("apiVersion: apps/v1\n", "", StringComparison.Ordinal));

        Assert.Equal("apiVersion", error.Field);
    }

    [Fact]
    public void Decode_UnknownKind_ListsKnownKinds()
    {
        var error = DecodeFails(Manifests.Read(Manifests.Deployment).Replace("kind: Deployment", "kind: StatefulSet", StringComparison.Ordinal));

        Assert.Equal("kind", error.Field);
        Assert.Contains(ResourceTypes.KnownKinds, error.Message, StringComparison.Ordinal);
        Assert.Contains("Deployment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MissingKind_ReportsKind()
    {
        var error = DecodeFails("apiVersion: v1\nmetadata:\n  name: x\n");

        Assert.Equal("kind", error.Field);
    }

    [Fact]
    public void Decode_DuplicateJsonKey_Fails()
    {
        var json = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"spec":{"replicas":1,"replicas":2}}"""u8.ToArray();

        var error = Assert.Throws<ManifestException>(() => ObjectDecoder.Decode(json));

        Assert.Contains("spec", error.Message, StringComparison.Ordinal);
        Assert.Contains("uplicate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertSingle_DuplicateYamlKey_Fails()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, Replicas, Replicas + Replicas);

        var error = Assert.Throws<ManifestException>(() => YamlToJson.ConvertSingle(yaml));

        Assert.NotNull(error.Line);
    }

    [Fact]
    public void ConvertSingle_MalformedYaml_NamesLineAndColumn()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, Replicas, "  replicas: 3\n   strategy: x: y\n");

        var error = Assert.Throws<ManifestException>(() => YamlToJson.ConvertSingle(yaml));

        Assert.NotNull(error.Line);
        Assert.NotNull(error.Column);
        Assert.Contains("line ", error.Message, StringComparison.Ordinal);
        Assert.Contains("column ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertSingle_UnterminatedFlowSequence_FailsAsManifestException()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, Replicas, "  replicas: [3\n");

        Assert.Throws<ManifestException>(() => YamlToJson.ConvertSingle(yaml));
    }

    [Theory]
    [InlineData("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"replicas\":\"three\"}}", "spec.replicas", "expected an integer")]
    [InlineData("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"paused\":\"yes\"}}", "spec.paused", "expected true or false")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":5}}", "metadata.name", "expected a string")]
    public void Decode_WrongScalarType_NamesExpectedType(string json, string field, string expected)
    {
        var error = Assert.Throws<ManifestException>(() => ObjectDecoder.Decode(System.Text.Encoding.UTF8.GetBytes(json)));

        Assert.Equal(field, error.Field);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MalformedJson_NamesLineAndColumn()
    {
        var json = "{\"apiVersion\":\"v1\",\n\"kind\":\"Pod\",\n\"metadata\":{\"name\":}}"u8.ToArray();

        var error = Assert.Throws<ManifestException>(() => ObjectDecoder.Decode(json));

        Assert.Equal(3, error.Line);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_InvalidUtf8_SaysUtf8()
    {
        var json = Encoding.UTF8.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"ab\"}}");
        json[^5] = 0xFF;

        var error = Assert.Throws<ManifestException>(() => ObjectDecoder.Decode(json));

        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NotAnObject_Fails()
    {
        Assert.Throws<ManifestException>(() => ObjectDecoder.Decode("[1,2]"u8));
    }

    [Fact]
    public void ConvertSingle_TwoDocuments_Fails()
    {
        var yaml = Manifests.Read(Manifests.Deployment) + "---\n" + Manifests.Read(Manifests.Service);

        Assert.Throws<ManifestException>(() => YamlToJson.ConvertSingle(yaml));
    }

    [Fact]
    public void ConvertDocuments_AllSeedsInOneStream_DecodeInOrder()
    {
        var yaml = string.Join("---\n", new[] { Manifests.Deployment, Manifests.Service, Manifests.Ingress, Manifests.Hpa }.Select(Manifests.Read));

        var kinds = YamlToJson.ConvertDocuments(yaml).Select(d => ObjectDecoder.Decode(d.Json).Kind);

        Assert.Equal(["Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"], kinds);
    }

    [Fact]
    public void Decode_QuantityAsYamlNumber_IsExact()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, "cpu: \"250m\"", "cpu: 0.1");

        var deployment = Assert.IsType<Deployment>(ObjectDecoder.Decode(YamlToJson.ConvertSingle(yaml)));

        Assert.Equal(Quantity.Parse("100m"), deployment.Spec.Template.Spec.Containers[0].Resources!.Requests!["cpu"]);
    }

    [Fact]
    public void Decode_MemoryBeyondInt64_RefusedNamingTheField()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, "memory: \"256Mi\"", "memory: 99999999999999999999999999Ei");

        var error = DecodeFails(yaml);

        Assert.Equal("spec.template.spec.containers[0].resources.limits.memory", error.Field);
        Assert.Contains("2^63-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_InvalidUtf8AtTheEndOfALargeBody_ReportsOffsetQuickly()
    {
        // Finding the offset was quadratic: 3 MB with a bad last byte took minutes.
        var json = Encoding.UTF8.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + new string('a', 3_000_000) + "\"}}");
        json[^4] = 0xC3;

        var error = Assert.Throws<ManifestException>(() => ObjectDecoder.Decode(json));

        Assert.Contains($"offset {json.Length - 4}", error.Message, StringComparison.Ordinal);
    }
}
