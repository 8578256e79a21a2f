using System.Security.Cryptography;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Checkpoint;

/// <summary>
/// The ConfigMaps (and, only when the operator opts in with <c>--checkpoint-secrets</c>, the Secrets) this node's pods
/// read, kept for a start without droverd (offline autonomy): after a reboot with a dead uplink the checkpointed pods
/// get their configMap/secret volumes and env from here. One file per object (DIR/KIND_NAMESPACE_NAME.bin, 0600),
/// written atomically and only when the object changed.
/// <para>
/// Secrets stay off the disk by default, as Kubernetes promises ("Secrets on tmpfs, never on disk"): without
/// <c>keepSecrets</c> a Secret is neither written nor read here, and <see cref="RemoveSecrets"/> deletes the files an
/// earlier opted-in run (or an older agent) left. The price: after a reboot without droverd, a pod that reads a Secret
/// waits for droverd; ConfigMap-only pods still start.
/// </para>
/// <para>
/// Every file is sealed with AES-256-GCM: a random 12-byte nonce per write, the kind, namespace and name as associated
/// data (a file renamed to another object's name does not open), and a 32-byte key made once at random in
/// <c>KEYFILE</c> (0600, beside the node credential, which guards as much: whoever reads that directory is the node).
/// A copy of the checkpoint directory, a backup or a disk image without the key reveals nothing; the node's own disk,
/// which holds the key too, is not protected by it — hence the opt-in for Secrets. Thread-safe.
/// </para>
/// </summary>
internal sealed partial class ObjectCheckpoint
{
    private const string Extension = ".bin";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const string SecretKind = "secret";

    private readonly string _directory;
    private readonly string _keyPath;
    private readonly bool _keepSecrets;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _written = new(StringComparer.Ordinal);
    private byte[]? _key;

    /// <param name="keepSecrets">Whether Secrets are kept too (the agent's <c>--checkpoint-secrets</c>; off by default).</param>
    public ObjectCheckpoint(string directory, string keyPath, bool keepSecrets, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = directory;
        _keyPath = keyPath;
        _keepSecrets = keepSecrets;
        _logger = logger;
    }

    /// <summary>Whether objects of <paramref name="type"/> are kept here (ConfigMaps always, Secrets only when opted in).</summary>
    public bool Keeps(ResourceType type) => type == ResourceTypes.ConfigMaps || (type == ResourceTypes.Secrets && _keepSecrets);

    /// <summary>
    /// Unless Secrets are kept: deletes every checkpointed Secret (files an opted-in run or an older agent wrote), so
    /// that turning <c>--checkpoint-secrets</c> off, or upgrading, leaves none on the disk. How many went.
    /// </summary>
    public int RemoveSecrets()
    {
        if (_keepSecrets)
            return 0;
        var removed = Prune((kind, _, _) => kind != SecretKind);
        if (removed > 0)
            LogSecretsRemoved(removed);
        return removed;
    }

    /// <summary>
    /// Keeps <paramref name="value"/> (a ConfigMap or Secret read from droverd); null forgets it (droverd says it is gone).
    /// A Secret while Secrets are not kept touches nothing (<see cref="RemoveSecrets"/> took the old files at start).
    /// </summary>
    public void Save(ResourceType type, string ns, string name, KubeObject? value)
    {
        ArgumentNullException.ThrowIfNull(type);
        var file = FileName(type, ns, name);
        if (file is null || !Keeps(type))
            return;
        lock (_lock)
        {
            try
            {
                if (value is null)
                {
                    File.Delete(Path.Combine(_directory, file));
                    _written.Remove(file);
                    return;
                }
                var plain = type.SerializeToUtf8Bytes(Stripped(value));
                var digest = SHA256.HashData(plain);
                if (_written.TryGetValue(file, out var known) && known.AsSpan().SequenceEqual(digest))
                    return;
                SecretFile.Write(Path.Combine(_directory, file), Seal(plain, file));
                _written[file] = digest;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                // A full or read-only disk must not stop the pods; the next read tries again.
                LogWriteFailed(file, e.Message);
            }
        }
    }

    /// <summary>The object as last read from droverd, or null when there is none (or it does not open with this node's key).</summary>
    public KubeObject? Load(ResourceType type, string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        var file = FileName(type, ns, name);
        if (file is null || !Keeps(type))
            return null;
        lock (_lock)
        {
            try
            {
                var path = Path.Combine(_directory, file);
                if (!File.Exists(path) || !File.Exists(_keyPath))
                    return null;
                return type.Deserialize(Open(File.ReadAllBytes(path), file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or System.Text.Json.JsonException)
            {
                LogReadFailed(file, e.Message);
                return null;
            }
        }
    }

    /// <summary>Removes the files of objects no longer referenced (<paramref name="keep"/> gets kind, namespace and name); how many.</summary>
    public int Prune(Func<string, string, string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (!Directory.Exists(_directory))
            return 0;
        var removed = 0;
        lock (_lock)
        {
            foreach (var path in Directory.EnumerateFiles(_directory, "*" + Extension))
            {
                var parts = Path.GetFileNameWithoutExtension(path).Split('_');
                if (parts.Length == 3 && keep(parts[0], parts[1], parts[2]))
                    continue;
                try
                {
                    File.Delete(path);
                    _written.Remove(Path.GetFileName(path));
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    LogWriteFailed(Path.GetFileName(path), e.Message);
                }
            }
        }
        return removed;
    }

    /// <summary>KIND_NAMESPACE_NAME.bin; names and namespaces are DNS labels/subdomains (no '_' or '/'), anything else is not kept.</summary>
    private static string? FileName(ResourceType type, string ns, string name)
    {
        static bool Safe(string s) => s.Length is > 0 and <= 253 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.') && s[0] != '.';
        var kind = type == ResourceTypes.Secrets ? SecretKind : type == ResourceTypes.ConfigMaps ? "configmap" : null;
        return kind is not null && Safe(ns) && Safe(name) ? $"{kind}_{ns}_{name}{Extension}" : null;
    }

    /// <summary>Status-free, version-free: a rewrite only when the content changed.</summary>
    private static KubeObject Stripped(KubeObject value) => value switch
    {
        ConfigMap map => map with { Metadata = new ObjectMeta { Name = map.Metadata.Name, Namespace = map.Metadata.Namespace, Uid = map.Metadata.Uid } },
        Secret secret => secret with { Metadata = new ObjectMeta { Name = secret.Metadata.Name, Namespace = secret.Metadata.Namespace, Uid = secret.Metadata.Uid } },
        _ => throw new ArgumentException("only ConfigMaps and Secrets are checkpointed", nameof(value)),
    };

    private byte[] Seal(byte[] plain, string file)
    {
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key(), TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(file));
        return sealedBytes;
    }

    private byte[] Open(byte[] sealedBytes, string file)
    {
        if (sealedBytes.Length < NonceBytes + TagBytes)
            throw new CryptographicException("the file is shorter than a nonce and a tag");
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(Key(), TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(file));
        return plain;
    }

    /// <summary>The node's checkpoint key: read, or made at random on first use (0600 from the first byte).</summary>
    private byte[] Key()
    {
        if (_key is not null)
            return _key;
        if (File.Exists(_keyPath))
        {
            var key = File.ReadAllBytes(_keyPath);
            if (key.Length != 32)
                throw new CryptographicException($"{_keyPath} does not hold a 32-byte key");
            return _key = key;
        }
        var made = RandomNumberGenerator.GetBytes(32);
        SecretFile.Write(_keyPath, made);
        return _key = made;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} checkpointed Secrets from the disk: --checkpoint-secrets is off")]
    private partial void LogSecretsRemoved(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "checkpoint of {File} not written: {Error}")]
    private partial void LogWriteFailed(string file, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "checkpoint of {File} not readable: {Error}")]
    private partial void LogReadFailed(string file, string error);
}
