using System.Text;
using Drover.Api;

namespace Drover.Agent.Images.Tests;

/// <summary>imagePullSecrets → CRI credentials for one image, as the kubelet's keyring matches them.</summary>
public sealed class PullCredentialsTests
{
    private static Secret DockerConfigJson(string json) => new()
    {
        Metadata = new ObjectMeta { Name = "regcred", Namespace = "default" },
        Type = "kubernetes.io/dockerconfigjson",
        Data = new() { [".dockerconfigjson"] = Encoding.UTF8.GetBytes(json) },
    };

    private static Secret Auths(params (string Key, string User)[] entries) =>
        DockerConfigJson("{\"auths\":{" + string.Join(',', entries.Select(e => $"\"{e.Key}\":{{\"username\":\"{e.User}\",\"password\":\"pw-{e.User}\"}}")) + "}}");

    private static string[] Users(string image, params Secret?[] secrets) => [.. PullCredentials.For(image, secrets).Select(a => a.Username)];

    [Theory]
    [InlineData("nginx", "index.docker.io/library/nginx")]
    [InlineData("nginx:1.27", "index.docker.io/library/nginx")]
    [InlineData("team/app@sha256:abc", "index.docker.io/team/app")]
    [InlineData("docker.io/team/app:v1", "index.docker.io/team/app")]
    [InlineData("registry.example.com:5000/edge/app:v2", "registry.example.com:5000/edge/app")]
    [InlineData("localhost/app", "localhost/app")]
    [InlineData("127.0.0.1:5000/app:v1", "127.0.0.1:5000/app")]
    public void Normalize_ImageReferences_HostAndPathAsDockerResolvesThem(string image, string expected) =>
        Assert.Equal(expected, PullCredentials.Normalize(image));

    [Theory]
    [InlineData("registry.example.com/edge/app:v1", "registry.example.com", true)]
    [InlineData("registry.example.com/edge/app:v1", "https://registry.example.com", true)]
    [InlineData("registry.example.com/edge/app:v1", "registry.example.com/edge", true)]
    [InlineData("registry.example.com/edgex/app:v1", "registry.example.com/edge", false)]
    [InlineData("registry.example.com/edge/app:v1", "*.example.com", true)]
    [InlineData("registry.example.com/edge/app:v1", "*.com", false)]
    [InlineData("registry.example.com/edge/app:v1", "other.example.com", false)]
    [InlineData("registry.example.com:5000/app", "registry.example.com", false)]
    [InlineData("registry.example.com:5000/app", "registry.example.com:5000", true)]
    [InlineData("127.0.0.1:5000/app", "http://127.0.0.1:5000/v2/", false)]
    [InlineData("127.0.0.1:5000/v2/app", "http://127.0.0.1:5000/v2/", true)]
    [InlineData("nginx", "https://index.docker.io/v1/", true)]
    [InlineData("team/app", "docker.io", true)]
    [InlineData("registry.example.com/app", "https://index.docker.io/v1/", false)]
    public void For_RegistryKey_MatchedOnHostPortAndPathPrefix(string image, string key, bool matches) =>
        Assert.Equal(matches ? ["u"] : [], Users(image, Auths((key, "u"))));

    [Fact]
    public void For_SeveralMatches_MostSpecificFirstAcrossSecrets()
    {
        var broad = Auths(("*.example.com", "wildcard"));
        var narrow = Auths(("registry.example.com/edge", "team"), ("registry.example.com", "host"));

        Assert.Equal(["team", "host", "wildcard"], Users("registry.example.com/edge/app:v1", broad, narrow));
    }

    [Fact]
    public void For_AuthField_DecodedIntoUserAndPassword()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:s3cr:et"));
        var credential = Assert.Single(PullCredentials.For("127.0.0.1:5000/app", [DockerConfigJson($"{{\"auths\":{{\"127.0.0.1:5000\":{{\"auth\":\"{auth}\"}}}}}}")]));

        // No server address: containerd would parse "127.0.0.1:5000" as a URL and refuse the pull.
        Assert.Equal(("robot", "s3cr:et", ""), (credential.Username, credential.Password, credential.ServerAddress));
    }

    [Fact]
    public void For_LegacyDockercfg_ReadWithoutTheAuthsLevel()
    {
        var secret = new Secret
        {
            Type = "kubernetes.io/dockercfg",
            Data = new() { [".dockercfg"] = Encoding.UTF8.GetBytes("{\"registry.example.com\":{\"username\":\"old\",\"password\":\"pw\"}}") },
        };

        Assert.Equal(["old"], Users("registry.example.com/app", secret));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"auths\":[]}")]
    [InlineData("{\"auths\":{\"registry.example.com\":\"x\"}}")]
    [InlineData("{\"auths\":{\"registry.example.com\":{\"auth\":\"%%%\"}}}")]
    [InlineData("{\"auths\":{\"registry.example.com\":{\"auth\":\"bm9jb2xvbg==\"}}}")]
    [InlineData("{\"auths\":{\"registry.example.com\":{}}}")]
    [InlineData("{\"auths\":{\"registry.example.com\":{\"a\":[[[[[[[[[[[[[[1]]]]]]]]]]]]]]}}}")]
    public void For_MalformedPayload_NoCredentialsNoThrow(string json) =>
        Assert.Empty(PullCredentials.For("registry.example.com/app", [DockerConfigJson(json)]));

    [Fact]
    public void For_NullOrEmptySecret_Nothing() =>
        Assert.Empty(PullCredentials.For("registry.example.com/app", [null, new Secret()]));

    /// <summary>afl's finds (bench/fuzz, target pull-secret): invalid UTF-8 in a key or a value made the reader throw
    /// InvalidOperationException out of the pull (any user can store such a Secret and name it in a pod).</summary>
    [Theory]
    [InlineData("7b22837474705e3a2f2f69303030223a7b22757365726e616d65223a22fe222c2270757468223a2264547077227d7d")]
    [InlineData("7b2268747470893a2f2f696e6465782e646f636b65722e696f2f76312f223a7b2261757468223a229b547077227d7d")]
    [InlineData("7b22d22f223a7b22757365726e616d65223a22757077227d7d")]
    [InlineData("7b226874747073223a7b22617264223a22a2227d2c222a326d65223a2275222c226cfe2e636f6d223a7b2261757468223a2264547077227d7d")]
    public void For_PayloadWithInvalidUtf8_NoCredentialsNoThrow(string hex)
    {
        var payload = Convert.FromHexString(hex);
        foreach (var type in new[] { "kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg" })
        {
            var secret = new Secret { Type = type, Data = new() { [".dockerconfigjson"] = payload, [".dockercfg"] = payload } };
            foreach (var image in new[] { "nginx", "registry.example.com:5000/edge/app:v1", "i000/app" })
                Assert.Empty(PullCredentials.For(image, [secret]));
        }
    }
}
