using Drover.Store;

namespace Drover.ControlPlane.Storage.Encryption;

/// <summary>
/// The keys in force at one moment, immutable: the one writes are sealed with (none: writes in clear) and every one
/// reads may open, plus whether values in clear may be read. <see cref="EncryptingStore"/> swaps whole rings, and counts
/// the writes in flight under each, so a rotation knows when no write under the old ring can still land.
/// </summary>
internal sealed class KeyRing
{
    private readonly (EncryptionKey Key, byte[] Header)[] _keys;
    private readonly (EncryptionKey Key, byte[] Header)[] _byHeaderLength;
    private int _inFlight;

    public KeyRing(IReadOnlyList<EncryptionKey> keys, bool writeInClear, bool readsClear)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.Select(k => (k, AesGcmEnvelope.Header(k.Name))).ToArray();
        _byHeaderLength = _keys.OrderByDescending(k => k.Header.Length).ToArray();
        WriteKey = writeInClear || keys.Count == 0 ? null : keys[0];
        ReadsClear = readsClear;
    }

    /// <summary>Encrypts nothing and reads only values in clear: a data dir that never had a key, with encryption off.</summary>
    public static KeyRing Clear { get; } = new([], writeInClear: true, readsClear: true);

    /// <summary>The key new values are sealed with; null when they are written in clear.</summary>
    public EncryptionKey? WriteKey { get; }

    public IEnumerable<EncryptionKey> Keys => _keys.Select(k => k.Key);

    public bool ReadsClear { get; }

    internal int InFlight => Volatile.Read(ref _inFlight);

    internal void Enter() => Interlocked.Increment(ref _inFlight);

    internal void Exit() => Interlocked.Decrement(ref _inFlight);

    public byte[] Seal(ReadOnlyMemory<byte> plaintext, string storeKey) => WriteKey is null
        ? plaintext.ToArray()
        : AesGcmEnvelope.Seal(_keys[0].Header, WriteKey.Secret, plaintext.Span, storeKey);

    /// <summary>The plaintext of a stored value; a value no key of this ring opens throws, naming the key and what to do.</summary>
    public ReadOnlyMemory<byte> Open(ReadOnlyMemory<byte> stored, string storeKey)
    {
        var span = stored.Span;
        if (!AesGcmEnvelope.IsEncrypted(span))
        {
            return ReadsClear
                ? stored
                : throw new SecretsEncryptionException($"{storeKey} is stored in clear, but the encryption configuration has no identity provider to read it with");
        }
        string? tried = null;
        foreach (var (key, header) in _keys)
        {
            // Names may hold colons ("a" and "a:b"): every key whose header fits is tried before giving up.
            if (!span.StartsWith(header))
                continue;
            if (AesGcmEnvelope.Open(header, key.Secret, span, storeKey) is { } plaintext)
                return plaintext;
            tried ??= key.Name;
        }
        throw new SecretsEncryptionException(tried is not null
            ? $"{storeKey} is encrypted with a key named \"{tried}\", but the key of that name in the encryption configuration does not open it (a different key under the same name?)"
            : $"{storeKey} is encrypted with {AesGcmEnvelope.Describe(span)}, which the encryption configuration does not hold");
    }

    /// <summary>The name of the key a stored value is under (null: in clear), without opening it.</summary>
    public string? KeyNameOf(ReadOnlySpan<byte> stored)
    {
        if (!AesGcmEnvelope.IsEncrypted(stored))
            return null;
        foreach (var (key, header) in _byHeaderLength)
        {
            if (stored.StartsWith(header))
                return key.Name;
        }
        return AesGcmEnvelope.Describe(stored);
    }

    public KeyValue Open(KeyValue kv) => kv with { Value = Open(kv.Value, kv.Key) };
}
