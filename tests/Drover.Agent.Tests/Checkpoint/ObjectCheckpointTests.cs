using System.Text;
using Drover.Agent.Volumes;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Checkpoint.Tests;

/// <summary>
/// The sealed checkpoint of ConfigMaps and Secrets (Secrets only with --checkpoint-secrets), and the reader using it when
/// droverd cannot be reached.
/// </summary>
public sealed class ObjectCheckpointTests : IDisposable
{
    private const string SecretValue = "top-secret-value-4711";
    private readonly string _data = Directory.CreateTempSubdirectory("drover-objcheckpoint-").FullName;

    private string Objects => Path.Combine(_data, "checkpoint", "objects");

    private string KeyPath => Path.Combine(_data, "credentials", "checkpoint.key");

    private ObjectCheckpoint Checkpoint(bool keepSecrets = true) => new(Objects, KeyPath, keepSecrets, NullLogger.Instance);

    [Fact]
    public void SaveLoad_Secret_RoundTripsSealed0600NeverInTheClear()
    {
        Checkpoint().Save(ResourceTypes.Secrets, "default", "db", Secret("db"));

        var file = Assert.Single(Directory.GetFiles(Objects));
        var bytes = File.ReadAllBytes(file);
        Assert.DoesNotContain(SecretValue, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)), Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        Assert.Equal(32, new FileInfo(KeyPath).Length);

        // A new agent process (a new instance) opens it with the key on disk.
        var loaded = Assert.IsType<Secret>(Checkpoint().Load(ResourceTypes.Secrets, "default", "db"));
        Assert.Equal(SecretValue, Encoding.UTF8.GetString(loaded.Data!["password"]));
        Assert.Null(loaded.Metadata.ResourceVersion);
    }

    [Fact]
    public void Load_FileOfAnotherObjectOrAnotherKey_DoesNotOpen()
    {
        Checkpoint().Save(ResourceTypes.Secrets, "default", "db", Secret("db"));
        var file = Assert.Single(Directory.GetFiles(Objects));
        File.Copy(file, Path.Combine(Objects, "secret_default_other.bin"));
        Assert.Null(Checkpoint().Load(ResourceTypes.Secrets, "default", "other"));

        File.WriteAllBytes(KeyPath, new byte[32]);
        Assert.Null(Checkpoint().Load(ResourceTypes.Secrets, "default", "db"));
    }

    [Fact]
    public void Save_NullForgets_PruneKeepsOnlyReferenced()
    {
        var checkpoint = Checkpoint();
        checkpoint.Save(ResourceTypes.ConfigMaps, "default", "app", new ConfigMap { Metadata = new ObjectMeta { Name = "app", Namespace = "default" }, Data = new() { ["k"] = "v" } });
        checkpoint.Save(ResourceTypes.Secrets, "default", "db", Secret("db"));
        checkpoint.Save(ResourceTypes.Secrets, "default", "old", Secret("old"));

        checkpoint.Save(ResourceTypes.Secrets, "default", "db", null);
        Assert.Null(checkpoint.Load(ResourceTypes.Secrets, "default", "db"));

        Assert.Equal(1, checkpoint.Prune((kind, ns, name) => kind == "configmap" && ns == "default" && name == "app"));
        Assert.Equal("v", Assert.IsType<ConfigMap>(checkpoint.Load(ResourceTypes.ConfigMaps, "default", "app")).Data!["k"]);
    }

    [Fact]
    public void SaveLoad_SecretNotOptedIn_NothingOnDisk_ConfigMapStillKept()
    {
        var checkpoint = Checkpoint(keepSecrets: false);
        checkpoint.Save(ResourceTypes.ConfigMaps, "default", "app", new ConfigMap { Metadata = new ObjectMeta { Name = "app", Namespace = "default" }, Data = new() { ["k"] = "v" } });
        checkpoint.Save(ResourceTypes.Secrets, "default", "db", Secret("db"));

        Assert.Equal("configmap_default_app.bin", Path.GetFileName(Assert.Single(Directory.GetFiles(Objects))));
        Assert.False(checkpoint.Keeps(ResourceTypes.Secrets));
        Assert.Null(checkpoint.Load(ResourceTypes.Secrets, "default", "db"));
        Assert.Equal("v", Assert.IsType<ConfigMap>(checkpoint.Load(ResourceTypes.ConfigMaps, "default", "app")).Data!["k"]);
    }

    [Fact]
    public void RemoveSecrets_FlagTurnedOffAfterAnOptedInRun_DeletesOnlyTheSecrets()
    {
        var optedIn = Checkpoint(keepSecrets: true);
        optedIn.Save(ResourceTypes.ConfigMaps, "default", "app", new ConfigMap { Metadata = new ObjectMeta { Name = "app", Namespace = "default" }, Data = new() { ["k"] = "v" } });
        optedIn.Save(ResourceTypes.Secrets, "default", "db", Secret("db"));
        optedIn.Save(ResourceTypes.Secrets, "kube-system", "other", Secret("other"));
        Assert.Equal(0, optedIn.RemoveSecrets());
        Assert.Equal(3, Directory.GetFiles(Objects).Length);

        // The next agent start (an upgrade, or the flag dropped): the old sealed Secrets go, the ConfigMap stays.
        var optedOut = Checkpoint(keepSecrets: false);
        Assert.Equal(2, optedOut.RemoveSecrets());

        Assert.Equal("configmap_default_app.bin", Path.GetFileName(Assert.Single(Directory.GetFiles(Objects))));
        Assert.Null(Checkpoint(keepSecrets: true).Load(ResourceTypes.Secrets, "default", "db"));
        Assert.Equal(0, optedOut.RemoveSecrets());
    }

    [Fact]
    public void RemoveSecrets_NoCheckpointDirectoryYet_RemovesNothing()
    {
        Assert.Equal(0, Checkpoint(keepSecrets: false).RemoveSecrets());
        Assert.False(Directory.Exists(Objects));
    }

    [Fact]
    public async Task ReadAsync_DroverdUnreachable_UsesTheCheckpoint_NothingCheckpointed_ReportsTheError()
    {
        var checkpoint = Checkpoint();
        checkpoint.Save(ResourceTypes.Secrets, "default", "db", Secret("db"));
        using var api = UnreachableDroverd();

        var objects = await new PodObjectReader(api, checkpoint).ReadAsync(SecretEnvAndConfigMapPod(), CancellationToken.None);

        Assert.Equal(SecretValue, Encoding.UTF8.GetString(objects.Secret("default", "db", optional: false).Secret!.Data!["password"]));
        var (map, error) = objects.ConfigMap("default", "never-read", optional: false);
        Assert.Null(map);
        Assert.Contains("could not be read", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_DroverdUnreachableSecretsNotKept_SecretWaitsAndTheErrorNamesTheFlag()
    {
        var checkpoint = Checkpoint(keepSecrets: false);
        checkpoint.Save(ResourceTypes.ConfigMaps, "default", "never-read", new ConfigMap { Metadata = new ObjectMeta { Name = "never-read", Namespace = "default" }, Data = new() { ["k"] = "v" } });
        using var api = UnreachableDroverd();

        var objects = await new PodObjectReader(api, checkpoint).ReadAsync(SecretEnvAndConfigMapPod(), CancellationToken.None);

        Assert.Equal("v", objects.ConfigMap("default", "never-read", optional: false).Map!.Data!["k"]);
        var (secret, error) = objects.Secret("default", "db", optional: false);
        Assert.Null(secret);
        Assert.Contains("--checkpoint-secrets", error, StringComparison.Ordinal);
    }

    /// <summary>Nothing listens on the port: a refused connection, as with a dead uplink.</summary>
    private static DroverClient UnreachableDroverd()
    {
        var (_, certificate) = TlsSecrets.SelfSigned("default", "ca", "127.0.0.1");
        return new DroverClient(new ClientSettings(new Uri($"https://127.0.0.1:{FreePorts.Next()}"), "token", certificate.ExportCertificatePem(), "default"), TimeSpan.FromSeconds(2));
    }

    private static Pod SecretEnvAndConfigMapPod() => new()
    {
        Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
        Spec = new PodSpec
        {
            Containers = [new Container { Name = "c", Image = "x", Env = [new EnvVar { Name = "A", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "db", Key = "password" } } }] }],
            Volumes = [new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "never-read" } }],
        },
    };

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static Secret Secret(string name) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", ResourceVersion = "42" },
        Type = "Opaque",
        Data = new() { ["password"] = Encoding.UTF8.GetBytes(SecretValue) },
    };
}
