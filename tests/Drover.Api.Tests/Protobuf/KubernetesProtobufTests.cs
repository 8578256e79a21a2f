using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Drover.Testing;

namespace Drover.Api.Protobuf.Tests;

public sealed class KubernetesProtobufTests
{
    private static readonly string Corpus = Path.Combine(RepoPaths.Root, "bench", "fuzz", "corpus", "protobuf-body");

    private static JsonObject Json(byte[] body)
    {
        var json = KubernetesProtobuf.ToJson(body, out _, out _) ?? throw new InvalidOperationException("kind not in the table");
        return JsonNode.Parse(json)!.AsObject();
    }

    private static JsonObject FromCorpus(string name) => Json(File.ReadAllBytes(Path.Combine(Corpus, name)));

    [Fact]
    public void ToJson_KubectlCreateDeployment_TheJsonKubernetesPrints()
    {
        var obj = FromCorpus("kubectl-create-deployment");

        Assert.Equal("apps/v1", (string?)obj["apiVersion"]);
        Assert.Equal("Deployment", (string?)obj["kind"]);
        Assert.Equal("web2", (string?)obj["metadata"]!["name"]);
        Assert.Equal("web2", (string?)obj["metadata"]!["labels"]!["app"]);
        Assert.Equal(3, (int?)obj["spec"]!["replicas"]);
        var container = obj["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("nginx:1.27", (string?)container["image"]);
        Assert.Equal(80, (int?)container["ports"]![0]!["containerPort"]);
        // gogo-protobuf writes every non-pointer field: zeros Go cannot tell from absent ones are left out.
        Assert.False(obj["metadata"]!.AsObject().ContainsKey("creationTimestamp"));
        Assert.False(obj["spec"]!.AsObject().ContainsKey("paused"));
        Assert.False(obj["spec"]!.AsObject().ContainsKey("strategy"));
        Assert.False(container.AsObject().ContainsKey("resources"));
        Assert.False(container["ports"]![0]!.AsObject().ContainsKey("hostPort"));
        Assert.False(obj.ContainsKey("status"));
    }

    [Fact]
    public void ToJson_KubectlCreateSecretConfigMapServiceJob_ValuesAsKubernetes()
    {
        Assert.Equal(Convert.ToBase64String("s3cr3t"u8), (string?)FromCorpus("kubectl-create-secret")["data"]!["password"]);
        var data = FromCorpus("kubectl-create-configmap")["data"]!.AsObject();
        Assert.Equal("fast", (string?)data["mode"]);
        Assert.Equal("", (string?)data["empty"]);                   // a map value keeps its zero
        var port = FromCorpus("kubectl-create-service")["spec"]!["ports"]![0]!;
        Assert.Equal(80, (int?)port["port"]);
        Assert.Equal(8080, (int?)port["targetPort"]);               // IntOrString, type int
        var job = FromCorpus("kubectl-create-job")["spec"]!["template"]!["spec"]!;
        Assert.Equal("""["echo","hi"]""", job["containers"]![0]!["command"]!.ToJsonString());
        Assert.Equal("Never", (string?)job["restartPolicy"]);
    }

    [Fact]
    public void ToJson_EveryKubectlBodyInTheCorpus_DecodesStrictlyAsItsKind()
    {
        var files = Directory.GetFiles(Corpus);
        Assert.True(files.Length >= 8, $"{files.Length} corpus files");
        foreach (var file in files)
        {
            var json = KubernetesProtobuf.ToJson(File.ReadAllBytes(file), out var apiVersion, out var kind)!;
            var obj = ObjectDecoder.Decode(json, out var type);   // strict: a field droverd lacks would throw
            Assert.Equal((apiVersion, kind), (type.ApiVersion, type.Kind));
            Assert.False(string.IsNullOrEmpty(obj.Metadata.Name), file);
        }
    }

    [Fact]
    public void ToJson_PointerFieldZero_Kept()
    {
        var spec = ProtoBytes.Number(1, 0);                             // DeploymentSpec.replicas (*int32) = 0
        var body = ProtoBytes.Envelope("apps/v1", "Deployment", [.. ProtoBytes.Bytes(1, ProtoBytes.Text(1, "x")), .. ProtoBytes.Bytes(2, spec)]);

        Assert.Equal(0, (int?)Json(body)["spec"]!["replicas"]);
    }

    [Fact]
    public void ToJson_InlineVolumeSourceAndTime_AsKubernetesJson()
    {
        var emptyDir = ProtoBytes.Bytes(2, ProtoBytes.Bytes(2, []));   // Volume{name, VolumeSource{emptyDir: {}}}
        var volume = (byte[])[.. ProtoBytes.Text(1, "scratch"), .. emptyDir];
        var podSpec = ProtoBytes.Bytes(1, volume);
        var meta = (byte[])[.. ProtoBytes.Text(1, "p"), .. ProtoBytes.Bytes(8, ProtoBytes.Number(1, 1_700_000_000))];
        var body = ProtoBytes.Envelope("v1", "Pod", [.. ProtoBytes.Bytes(1, meta), .. ProtoBytes.Bytes(2, podSpec)]);

        var obj = Json(body);

        Assert.Equal("""{"name":"scratch","emptyDir":{}}""", obj["spec"]!["volumes"]![0]!.ToJsonString());
        Assert.Equal("2023-11-14T22:13:20Z", (string?)obj["metadata"]!["creationTimestamp"]);
    }

    [Fact]
    public void ToJson_WrongWireType_RefusedNamingTheField()
    {
        var body = ProtoBytes.Envelope("v1", "ConfigMap", ProtoBytes.Bytes(1, ProtoBytes.Number(1, 7)));   // metadata.name as a varint

        var e = Assert.Throws<ManifestException>(() => KubernetesProtobuf.ToJson(body, out _, out _));

        Assert.Equal("metadata.name", e.Field);
        Assert.Contains("wire type 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_InvalidUtf8_RefusedNamingTheField()
    {
        var container = ProtoBytes.Bytes(2, [0xff, 0xfe]);               // Container.image
        var body = ProtoBytes.Envelope("v1", "Pod", ProtoBytes.Bytes(2, ProtoBytes.Bytes(2, container)));

        var e = Assert.Throws<ManifestException>(() => KubernetesProtobuf.ToJson(body, out _, out _));

        Assert.Equal("spec.containers[0].image", e.Field);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_LengthPastTheEnd_RefusedNamingTheField()
    {
        var body = ProtoBytes.Envelope("v1", "ConfigMap", [0x0a, 0x05, (byte)'x']);             // metadata: 5 bytes announced, 1 sent

        var e = Assert.Throws<ManifestException>(() => KubernetesProtobuf.ToJson(body, out _, out _));

        Assert.Contains("runs past the end", e.Message, StringComparison.Ordinal);
        Assert.Equal("metadata", e.Field);
    }

    [Fact]
    public void ToJson_MoreValuesThanMaxNodes_RefusedNamingTheLimit()
    {
        var entries = new List<byte>();
        var entry = ProtoBytes.Bytes(2, []);                            // ConfigMap.data entry "" -> ""
        for (var i = 0; i <= InputLimits.MaxNodes; i++)
            entries.AddRange(entry);
        var body = ProtoBytes.Envelope("v1", "ConfigMap", [.. entries]);

        var e = Assert.Throws<ManifestException>(() => KubernetesProtobuf.ToJson(body, out _, out _));

        Assert.Equal(nameof(InputLimits.MaxNodes), e.Limit);
    }

    [Fact]
    public void ToJson_EmbeddedJsonDeeperThanMaxDepth_Refused()
    {
        var deep = Encoding.UTF8.GetBytes(new string('[', InputLimits.MaxDepth + 1) + new string(']', InputLimits.MaxDepth + 1));
        var body = ProtoBytes.Envelope("apps/v1", "ControllerRevision", ProtoBytes.Bytes(2, ProtoBytes.Bytes(1, deep)));

        var e = Assert.Throws<ManifestException>(() => KubernetesProtobuf.ToJson(body, out _, out _));

        Assert.Equal("data", e.Field);
    }

    [Fact]
    public void ToJson_KindNotInTheTable_Null()
    {
        var body = ProtoBytes.Envelope("autoscaling/v1", "Scale", []);

        Assert.Null(KubernetesProtobuf.ToJson(body, out var apiVersion, out var kind));
        Assert.Equal(("autoscaling/v1", "Scale"), (apiVersion, kind));
    }

    [Fact]
    public void ToJson_NoMagic_Refused()
    {
        var e = Assert.Throws<ManifestException>(() => KubernetesProtobuf.ToJson("{\"kind\":\"Pod\"}"u8.ToArray(), out _, out _));

        Assert.Contains("magic", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_CorpusTruncatedOrMutated_JsonOrARefusalNeverACrash()
    {
        foreach (var file in Directory.GetFiles(Corpus))
        {
            var whole = File.ReadAllBytes(file);
            for (var length = 0; length < whole.Length; length++)
                Read(whole[..length]);
        }
        var corpus = Directory.GetFiles(Corpus).Select(File.ReadAllBytes).ToArray();
        Gen.Select(Gen.Int[0, corpus.Length - 1], Gen.Int[0, 1_000], Gen.Byte)
            .Sample((file, at, value) =>
            {
                var body = (byte[])corpus[file].Clone();
                body[at % body.Length] = value;
                Read(body);
            }, iter: 2_000);
    }

    private static void Read(byte[] body)
    {
        try
        {
            if (KubernetesProtobuf.ToJson(body, out _, out _) is { } json)
                JsonInput.Check(json);
        }
        catch (ManifestException)
        {
        }
    }
}
