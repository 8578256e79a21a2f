using Drover.Store;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>
/// Secrets encryption at rest, as k3s' --secrets-encryption: AES-GCM with a random nonce per write, keys in an
/// EncryptionConfiguration file (DATA/credentials/encryption-config.json, 0600, or --secrets-encryption-key-file).
/// <see cref="OpenAsync"/> checks at start that every stored Secret opens with the configured keys and refuses to start
/// otherwise (a wrong or missing key file must not come up serving garbage or lose data); <see cref="RotateAsync"/>
/// puts a new key first, rewrites every Secret under it while the old keys still read, compacts the history that the
/// old keys sealed, and drops them.
/// </summary>
public sealed partial class SecretsEncryption
{
    public const string IdentityName = "identity";
    private const int PageSize = 500;
    private const int MaxPasses = 5;

    private readonly EncryptingStore _store;
    private readonly string _keyFile;
    private readonly bool _enabled;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _rotation = new(1, 1);

    private SecretsEncryption(EncryptingStore store, string keyFile, bool enabled, TimeProvider time, ILogger logger)
    {
        _store = store;
        _keyFile = keyFile;
        _enabled = enabled;
        _time = time;
        _logger = logger;
    }

    /// <summary>The store with the transform in place: what the rest of droverd uses.</summary>
    public IStore Store => _store;

    public bool Enabled => _enabled;

    public string KeyFile => _keyFile;

    public static string DefaultKeyFile(string dataDirectory) => Path.Combine(dataDirectory, "credentials", "encryption-config.json");

    /// <summary>
    /// Loads (or, on first use with encryption on, creates) the key file and checks every stored Secret against it.
    /// Throws <see cref="SecretsEncryptionException"/> with what is wrong and what to do.
    /// </summary>
    public static async Task<SecretsEncryption> OpenAsync(IStore raw, string keyFile, bool enabled, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentException.ThrowIfNullOrEmpty(keyFile);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var exists = File.Exists(keyFile);
        var contents = exists ? EncryptionConfigFile.Load(keyFile) : null;
        if (exists && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(keyFile) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            LogReadableKeyFile(logger, keyFile);
        // Without a file every key is unknown: the scan then names the first encrypted Secret, if there is one.
        var readRing = contents is null ? KeyRing.Clear : new KeyRing(contents.Keys, writeInClear: true, contents.HasIdentity);
        Dictionary<string, long> counts;
        try
        {
            counts = await CountAsync(raw, readRing, verify: true, ct).ConfigureAwait(false);
        }
        catch (SecretsEncryptionException e)
        {
            var where = exists ? $"the key file is {keyFile}" : $"there is no key file at {keyFile}";
            throw new SecretsEncryptionException($"{e.Message}; {where}. Restore the key file this store was encrypted with (or point --secrets-encryption-key-file at it): droverd does not start without it, as it could not serve those secrets", e);
        }

        if (contents is null && enabled)
        {
            var key = EncryptionKey.Generate(time.GetUtcNow());
            EncryptionConfigFile.Save(keyFile, [key]);
            contents = new EncryptionConfigFile.Contents([key], IdentityFirst: false, HasIdentity: true);
            LogKeyCreated(logger, key.Name, keyFile);
        }
        var ring = contents is null
            ? KeyRing.Clear
            : new KeyRing(contents.Keys, writeInClear: !enabled || contents.IdentityFirst, contents.HasIdentity);
        var encryption = new SecretsEncryption(new EncryptingStore(raw, ring), keyFile, enabled, time, logger);
        var clear = counts.GetValueOrDefault(IdentityName);
        LogOpened(logger, enabled ? "on" : "off", ring.WriteKey?.Name ?? "none (written in clear)", string.Join(", ", counts.Select(c => $"{c.Value} under {c.Key}")) is { Length: > 0 } summary ? summary : "no secrets yet");
        if (enabled && clear > 0)
            LogClearRemain(logger, clear);
        return encryption;
    }

    public async Task<SecretsEncryptionStatus> StatusAsync(CancellationToken ct)
    {
        var ring = _store.Ring;
        return new SecretsEncryptionStatus
        {
            Enabled = _enabled,
            KeyFile = _keyFile,
            WriteKey = ring.WriteKey?.Name,
            Keys = ring.Keys.Select(k => k.Name).ToList(),
            Secrets = await CountAsync(_store.Inner, ring, verify: false, ct).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// A new primary key; every Secret rewritten under it (those in clear too); the history older than the rewrite
    /// compacted (its values are under the old keys, or in clear); the old keys dropped. A crash on the way leaves a key
    /// file that still holds every key in use, and running rotate again finishes the job under a newer key.
    /// </summary>
    public async Task<SecretsEncryptionStatus> RotateAsync(CancellationToken ct)
    {
        if (!_enabled)
            throw new InvalidOperationException("secrets encryption is off (--secrets-encryption=false): there is no key to rotate to; start droverd with it on first");
        if (!await _rotation.WaitAsync(0, ct).ConfigureAwait(false))
            throw new InvalidOperationException("a rotation is already running");
        try
        {
            var old = _store.Ring;
            var key = EncryptionKey.Generate(_time.GetUtcNow());
            if (old.Keys.Any(k => k.Name == key.Name))
                key = key with { Name = key.Name + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)) };
            var during = new List<EncryptionKey> { key };
            during.AddRange(old.Keys);
            // Written before it is used: a crash from here on still finds every key a stored value may be under.
            EncryptionConfigFile.Save(_keyFile, during);
            await _store.SwapAsync(new KeyRing(during, writeInClear: false, readsClear: true), ct).ConfigureAwait(false);
            LogRotating(_logger, key.Name);

            long rewritten = 0;
            for (var pass = 1; ; pass++)
            {
                var changed = await RewriteAsync(key.Name, ct).ConfigureAwait(false);
                rewritten += changed;
                if (changed == 0)
                    break;
                if (pass == MaxPasses)
                    throw new InvalidOperationException($"secrets were still being written under other keys after {MaxPasses} passes; run rotate again");
            }
            // The log's older revisions hold values under the old keys (or in clear): drop them before the keys.
            await _store.CompactAsync(_store.CurrentRevision, ct).ConfigureAwait(false);
            EncryptionConfigFile.Save(_keyFile, [key]);
            await _store.SwapAsync(new KeyRing([key], writeInClear: false, readsClear: true), ct).ConfigureAwait(false);
            var removed = old.Keys.Select(k => k.Name).ToList();
            LogRotated(_logger, key.Name, rewritten, removed.Count == 0 ? "none" : string.Join(", ", removed));
            return await StatusAsync(ct).ConfigureAwait(false) with { Rewritten = rewritten, RemovedKeys = removed };
        }
        finally
        {
            _rotation.Release();
        }
    }

    /// <summary>Rewrites every Secret not under <paramref name="keyName"/> (one pass); returns how many were rewritten.</summary>
    private async Task<long> RewriteAsync(string keyName, CancellationToken ct)
    {
        long rewritten = 0;
        string? after = null;
        do
        {
            var page = await _store.Inner.ListAsync(StoreKeysPrefix, after, PageSize, ct).ConfigureAwait(false);
            var ring = _store.Ring;
            foreach (var kv in page.Items)
            {
                if (ring.KeyNameOf(kv.Value.Span) == keyName)
                    continue;
                try
                {
                    await _store.UpdateAsync(kv.Key, ring.Open(kv.Value, kv.Key), kv.ModRevision, cancellationToken: ct).ConfigureAwait(false);
                    rewritten++;
                }
                catch (Exception e) when (e is StoreConflictException or StoreKeyNotFoundException)
                {
                    // Written (under the new key: the swap waited out every older write) or deleted meanwhile.
                }
            }
            after = page.ContinueAfterKey;
        }
        while (after is not null);
        return rewritten;
    }

    private static string StoreKeysPrefix => StoreKeys.Prefix(Drover.Api.ResourceTypes.Secrets, null);

    /// <summary>Secrets per key name (in clear: <see cref="IdentityName"/>); with <paramref name="verify"/>, every one is opened and the first that does not open throws.</summary>
    private static async Task<Dictionary<string, long>> CountAsync(IStore raw, KeyRing ring, bool verify, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await raw.ListAsync(StoreKeysPrefix, after, PageSize, ct).ConfigureAwait(false);
            foreach (var kv in page.Items)
            {
                if (verify)
                    ring.Open(kv.Value, kv.Key);
                var name = ring.KeyNameOf(kv.Value.Span) ?? IdentityName;
                counts[name] = counts.GetValueOrDefault(name) + 1;
            }
            after = page.ContinueAfterKey;
        }
        while (after is not null);
        return counts;
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "secrets encryption: created key {KeyName} in {KeyFile} (0600); keep a copy with your backups of the store, which is unreadable without it")]
    private static partial void LogKeyCreated(ILogger logger, string keyName, string keyFile);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "secrets encryption {State}: writes under {WriteKey}; stored secrets: {Summary}")]
    private static partial void LogOpened(ILogger logger, string state, string writeKey, string summary);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "secrets encryption: {Count} secrets are still stored in clear (written before encryption was on); `droverd secrets-encrypt rotate` encrypts them")]
    private static partial void LogClearRemain(ILogger logger, long count);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "secrets encryption: {KeyFile} is readable by group or others; it should be 0600")]
    private static partial void LogReadableKeyFile(ILogger logger, string keyFile);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "secrets encryption: rotating to key {KeyName}; rewriting every secret under it")]
    private static partial void LogRotating(ILogger logger, string keyName);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "secrets encryption: rotated to key {KeyName}; {Rewritten} secrets rewritten, old history compacted, keys removed: {Removed}")]
    private static partial void LogRotated(ILogger logger, string keyName, long rewritten, string removed);
}
