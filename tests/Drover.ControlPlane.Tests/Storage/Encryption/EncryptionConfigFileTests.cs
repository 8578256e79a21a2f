namespace Drover.ControlPlane.Storage.Encryption.Tests;

public sealed class EncryptionConfigFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drover-encryption-config-").FullName;

    private string Write(string text)
    {
        var path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Load_KubernetesYaml_FirstKeyWritesAllRead()
    {
        var path = Write("""
            apiVersion: apiserver.config.k8s.io/v1
            kind: EncryptionConfiguration
            resources:
              - resources: [secrets]
                providers:
                  - aesgcm:
                      keys:
                        - name: key2
                          secret: AAECAwQFBgcICQoLDA0ODw==
                        - name: key1
                          secret: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
                  - identity: {}
            """);

        var contents = EncryptionConfigFile.Load(path);

        Assert.Equal(["key2", "key1"], contents.Keys.Select(k => k.Name));
        Assert.Equal(16, contents.Keys[0].Secret.Length);
        Assert.False(contents.IdentityFirst);
        Assert.True(contents.HasIdentity);
    }

    [Fact]
    public void Save_Load_RoundTripsOwnerOnly()
    {
        var path = Path.Combine(_directory, "encryption-config.json");
        var key = EncryptionKey.Generate(DateTimeOffset.UnixEpoch);

        EncryptionConfigFile.Save(path, [key]);
        var contents = EncryptionConfigFile.Load(path);

        Assert.Equal("aesgcmkey-19700101T000000Z", contents.Keys.Single().Name);
        Assert.Equal(key.Secret, contents.Keys.Single().Secret);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.DoesNotContain("\\u002B", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("providers:\n      - aescbc:\n          keys: [{name: k, secret: AAECAwQFBgcICQoLDA0ODw==}]", "provider aescbc is not supported by droverd")]
    [InlineData("providers:\n      - aesgcm:\n          keys: [{name: k, secret: AAEC}]", "3 bytes; AES-GCM takes 16, 24 or 32")]
    [InlineData("providers:\n      - aesgcm:\n          keys: [{name: k, secret: '!!'}]", "not base64")]
    [InlineData("providers:\n      - aesgcm:\n          keys: [{name: k, secret: AAECAwQFBgcICQoLDA0ODw==}, {name: k, secret: AAECAwQFBgcICQoLDA0ODw==}]", "\"k\" is used twice")]
    [InlineData("providers: []", "lists no provider for secrets")]
    public void Load_Unusable_RefusedNamingTheProblem(string providers, string expected)
    {
        var path = Write("kind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    " + providers + "\n");

        var e = Assert.Throws<SecretsEncryptionException>(() => EncryptionConfigFile.Load(path));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
