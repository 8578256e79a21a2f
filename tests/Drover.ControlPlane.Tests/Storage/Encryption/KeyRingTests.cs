using System.Text;

namespace Drover.ControlPlane.Storage.Encryption.Tests;

public sealed class KeyRingTests
{
    private const string StoreKey = "/registry/secrets/default/db";
    private static readonly EncryptionKey First = new("first", Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly EncryptionKey Second = new("second", Enumerable.Repeat((byte)2, 16).ToArray());
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("{\"data\":{\"password\":\"aHVudGVyMg==\"}}");

    [Fact]
    public void Seal_Open_RoundTripsUnderTheKubernetesPrefixWithAFreshNonceEachTime()
    {
        var ring = new KeyRing([First], writeInClear: false, readsClear: true);

        var a = ring.Seal(Plaintext, StoreKey);
        var b = ring.Seal(Plaintext, StoreKey);

        Assert.StartsWith("k8s:enc:aesgcm:v1:first:", Encoding.ASCII.GetString(a, 0, 24), StringComparison.Ordinal);
        Assert.Equal(a.Length, b.Length);
        Assert.NotEqual(a, b);
        Assert.Equal(-1, a.AsSpan().IndexOf("aHVudGVyMg"u8));
        Assert.Equal(Plaintext, ring.Open(a, StoreKey).ToArray());
        Assert.Equal(Plaintext, ring.Open(b, StoreKey).ToArray());
    }

    [Fact]
    public void Open_ValueMovedToAnotherKey_Refused()
    {
        var ring = new KeyRing([First], writeInClear: false, readsClear: true);
        var sealedValue = ring.Seal(Plaintext, StoreKey);

        var e = Assert.Throws<SecretsEncryptionException>(() => ring.Open(sealedValue, "/registry/secrets/default/other"));

        Assert.Contains("does not open it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OldKeyKeptForReading_OpensWhatItSealed()
    {
        var before = new KeyRing([First], writeInClear: false, readsClear: true).Seal(Plaintext, StoreKey);
        var rotating = new KeyRing([Second, First], writeInClear: false, readsClear: true);

        Assert.Equal(Plaintext, rotating.Open(before, StoreKey).ToArray());
        Assert.Equal("first", rotating.KeyNameOf(before));
        Assert.Equal("second", rotating.KeyNameOf(rotating.Seal(Plaintext, StoreKey)));
    }

    [Fact]
    public void Open_KeyNotHeld_NamesIt()
    {
        var sealedValue = new KeyRing([First], writeInClear: false, readsClear: true).Seal(Plaintext, StoreKey);

        var e = Assert.Throws<SecretsEncryptionException>(() => new KeyRing([Second], writeInClear: false, readsClear: true).Open(sealedValue, StoreKey));

        Assert.Contains("aesgcm key \"first\", which the encryption configuration does not hold", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_SameNameDifferentKey_SaysSo()
    {
        var sealedValue = new KeyRing([First], writeInClear: false, readsClear: true).Seal(Plaintext, StoreKey);
        var impostor = new KeyRing([First with { Secret = Second.Secret }], writeInClear: false, readsClear: true);

        var e = Assert.Throws<SecretsEncryptionException>(() => impostor.Open(sealedValue, StoreKey));

        Assert.Contains("a different key under the same name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ClearValue_ReadOnlyWithIdentity()
    {
        Assert.Equal(Plaintext, new KeyRing([First], writeInClear: false, readsClear: true).Open(Plaintext, StoreKey).ToArray());
        Assert.Throws<SecretsEncryptionException>(() => new KeyRing([First], writeInClear: false, readsClear: false).Open(Plaintext, StoreKey));
    }

    [Fact]
    public void Seal_WriteInClear_StoresThePlaintext()
    {
        var ring = new KeyRing([First], writeInClear: true, readsClear: true);

        Assert.Null(ring.WriteKey);
        Assert.Equal(Plaintext, ring.Seal(Plaintext, StoreKey));
    }
}
