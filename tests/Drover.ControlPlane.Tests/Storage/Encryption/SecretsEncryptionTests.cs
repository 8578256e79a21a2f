using System.Text;
using Drover.Api;
using Drover.ControlPlane.Observability;
using Drover.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.ControlPlane.Storage.Encryption.Tests;

/// <summary>The transform over a real SQLite store: sealed below, plaintext above (object store, watches, decoded cache), rotation.</summary>
public sealed class SecretsEncryptionTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drover-secrets-encryption-").FullName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private SqliteStore _raw = null!;

    private string KeyFile => Path.Combine(_directory, "credentials", "encryption-config.json");

    public async Task InitializeAsync() => _raw = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), null, _timeout.Token);

    public async Task DisposeAsync()
    {
        await _raw.DisposeAsync();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<SecretsEncryption> OpenAsync(bool enabled = true) =>
        SecretsEncryption.OpenAsync(_raw, KeyFile, enabled, TimeProvider.System, NullLogger.Instance, _timeout.Token);

    private static ObjectStore Objects(SecretsEncryption encryption) => new(encryption.Store, new ApiMetrics(Prometheus.Metrics.NewCustomRegistry()));

    private static Secret Secret(string name, string value) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "Opaque",
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Uid = Guid.NewGuid().ToString() },
        Data = new() { ["password"] = Encoding.UTF8.GetBytes(value) },
    };

    private static string Password(KubeObject? secret) => Encoding.UTF8.GetString(((Secret)secret!).Data!["password"]);

    private async Task<byte[]> RawAsync(string name) => (await _raw.GetAsync($"/registry/secrets/default/{name}", _timeout.Token))!.Value.ToArray();

    [Fact]
    public async Task CreateSecret_StoredSealedAndEveryReaderAboveSeesPlaintext()
    {
        var encryption = await OpenAsync();
        var objects = Objects(encryption);
        await using var watch = encryption.Store.WatchAsync(StoreKeys.Root, _raw.CurrentRevision, _timeout.Token).GetAsyncEnumerator(_timeout.Token);

        await objects.CreateAsync(ResourceTypes.Secrets, Secret("db", "hunter2-value"), _timeout.Token);
        await objects.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = "plain", Namespace = "default" }, Data = new() { ["k"] = "visible" } }, _timeout.Token);

        var stored = await RawAsync("db");
        Assert.StartsWith("k8s:enc:aesgcm:v1:aesgcmkey-", Encoding.ASCII.GetString(stored, 0, 28), StringComparison.Ordinal);
        Assert.Equal(-1, stored.AsSpan().IndexOf("hunter2-value"u8));
        Assert.Equal(-1, stored.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToBase64String("hunter2-value"u8))));
        Assert.Contains("visible", Encoding.UTF8.GetString((await _raw.GetAsync("/registry/configmaps/default/plain", _timeout.Token))!.Value.Span), StringComparison.Ordinal);

        Assert.Equal("hunter2-value", Password(await objects.GetAsync(ResourceTypes.Secrets, "default", "db", _timeout.Token)));
        var listed = await objects.ListRawAsync(ResourceTypes.Secrets, "default", null, 0, _timeout.Token);
        Assert.Equal("hunter2-value", Password(objects.Decoded.Decode(ResourceTypes.Secrets, listed.Items.Single())));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("hunter2-value", Password(objects.Decoded.Get(ResourceTypes.Secrets, watch.Current.Kv).Object));
        var deleted = await objects.DeleteAsync(ResourceTypes.Secrets, "default", "db", 0, _timeout.Token);
        Assert.Equal("hunter2-value", Password(deleted));
    }

    [Fact]
    public async Task Open_EncryptedStoreWithoutItsKeyFile_RefusesNamingTheSecretAndTheFile()
    {
        var objects = Objects(await OpenAsync());
        await objects.CreateAsync(ResourceTypes.Secrets, Secret("db", "v"), _timeout.Token);
        File.Delete(KeyFile);

        var e = await Assert.ThrowsAsync<SecretsEncryptionException>(() => OpenAsync());

        Assert.Contains("/registry/secrets/default/db is encrypted with aesgcm key", e.Message, StringComparison.Ordinal);
        Assert.Contains($"there is no key file at {KeyFile}", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(KeyFile));
    }

    [Fact]
    public async Task Open_WrongKeyUnderTheSameName_Refuses()
    {
        var objects = Objects(await OpenAsync());
        await objects.CreateAsync(ResourceTypes.Secrets, Secret("db", "v"), _timeout.Token);
        var name = EncryptionConfigFile.Load(KeyFile).Keys.Single().Name;
        EncryptionConfigFile.Save(KeyFile, [new EncryptionKey(name, new byte[32])]);

        var e = await Assert.ThrowsAsync<SecretsEncryptionException>(() => OpenAsync());

        Assert.Contains("does not open it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_ClearAndOldKeySecretsRewrittenUnderTheNewKeyWhileWritesGoOn()
    {
        // One Secret from before encryption was on, then 30 under the first key.
        var objects = Objects(await OpenAsync(enabled: false));
        await objects.CreateAsync(ResourceTypes.Secrets, Secret("old-clear", "clear-value"), _timeout.Token);
        Assert.False(File.Exists(KeyFile));
        var encryption = await OpenAsync();
        objects = Objects(encryption);
        var first = encryption.Store is EncryptingStore store ? store.Ring.WriteKey!.Name : throw new InvalidOperationException();
        for (var i = 0; i < 30; i++)
            await objects.CreateAsync(ResourceTypes.Secrets, Secret($"s{i}", $"value-{i}"), _timeout.Token);
        Assert.Equal(new Dictionary<string, long> { [first] = 30, [SecretsEncryption.IdentityName] = 1 }, (await encryption.StatusAsync(_timeout.Token)).Secrets);

        var before = _raw.CurrentRevision;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var n = 0;
            for (; !stop.IsCancellationRequested; n++)
                await objects.CreateAsync(ResourceTypes.Secrets, Secret($"during-{n}", $"during-{n}"), _timeout.Token);
            return n;
        });
        var rotated = await encryption.RotateAsync(_timeout.Token);
        await stop.CancelAsync();
        var written = await writer;

        Assert.NotEqual(first, rotated.WriteKey);
        Assert.Equal([rotated.WriteKey!], rotated.Keys);
        Assert.Equal([first], rotated.RemovedKeys);
        Assert.True(rotated.Rewritten >= 31, $"rewritten {rotated.Rewritten}");
        Assert.Equal(rotated.WriteKey, EncryptionConfigFile.Load(KeyFile).Keys.Single().Name);
        // Every value is under the new key, the one from before encryption too, and all of them read back.
        var all = await _raw.ListAsync("/registry/secrets/", null, 0, _timeout.Token);
        Assert.Equal(31 + written, all.Items.Count);
        Assert.All(all.Items, kv => Assert.StartsWith($"k8s:enc:aesgcm:v1:{rotated.WriteKey}:", Encoding.UTF8.GetString(kv.Value.Span[..100]), StringComparison.Ordinal));
        Assert.Equal("clear-value", Password(await objects.GetAsync(ResourceTypes.Secrets, "default", "old-clear", _timeout.Token)));
        Assert.Equal("value-29", Password(await Objects(await OpenAsync()).GetAsync(ResourceTypes.Secrets, "default", "s29", _timeout.Token)));
        // The history the old key sealed is compacted away.
        Assert.True(_raw.CompactedRevision > before, $"compacted to {_raw.CompactedRevision}, rotation began at {before}");
    }
}
