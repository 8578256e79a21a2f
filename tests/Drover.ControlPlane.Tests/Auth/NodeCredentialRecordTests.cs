using Drover.Api.Client;

namespace Drover.ControlPlane.Auth.Tests;

public sealed class NodeCredentialRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly byte[] Old = NodeCredentialRecord.Hash("old");
    private static readonly byte[] New = NodeCredentialRecord.Hash("new");

    private static NodeCredentialRecord Issued() => new() { Current = NodeCredentialRecord.NewSlot(Old, Now, Lifetime) };

    [Fact]
    public void Find_CurrentUntilItsEnd_ThenNothing()
    {
        var record = Issued();

        Assert.Equal(NodeCredentialRecord.Match.Current, record.Find(Old, Now.AddMinutes(59)));
        Assert.Equal(NodeCredentialRecord.Match.None, record.Find(Old, Now + Lifetime));
        Assert.Equal(NodeCredentialRecord.Match.None, record.Find(New, Now));
    }

    [Fact]
    public void Find_PendingRenewal_BothWorkAndTheOldOneKeepsItsWholeLifetime()
    {
        // The agent asked for a renewal and has not used it (it may have crashed before storing it).
        var record = Issued() with { Pending = NodeCredentialRecord.NewSlot(New, Now.AddMinutes(40), Lifetime) };

        Assert.Equal(NodeCredentialRecord.Match.Pending, record.Find(New, Now.AddMinutes(41)));
        Assert.Equal(NodeCredentialRecord.Match.Current, record.Find(Old, Now.AddMinutes(59)));
    }

    [Fact]
    public void Promote_OldOneWorksForTheOverlapThenStops()
    {
        var record = Issued() with { Pending = NodeCredentialRecord.NewSlot(New, Now.AddMinutes(40), Lifetime) };

        var promoted = record.Promote(Now.AddMinutes(41), TimeSpan.FromMinutes(5));

        Assert.Equal(NodeCredentialRecord.Match.Current, promoted.Find(New, Now.AddMinutes(41)));
        Assert.Equal(NodeCredentialRecord.Match.Previous, promoted.Find(Old, Now.AddMinutes(45)));
        Assert.Equal(NodeCredentialRecord.Match.None, promoted.Find(Old, Now.AddMinutes(46)));
        Assert.Null(promoted.Pending);
    }

    [Fact]
    public void Promote_OverlapLongerThanTheOldOnesLife_EndsWithIt()
    {
        var record = Issued() with { Pending = NodeCredentialRecord.NewSlot(New, Now.AddMinutes(50), Lifetime) };

        var promoted = record.Promote(Now.AddMinutes(55), TimeSpan.FromHours(1));

        Assert.Equal(Now + Lifetime, promoted.PreviousValidUntil);
    }

    [Fact]
    public void ToData_FromData_RoundTripsEverySlotToTheMillisecond()
    {
        var record = (Issued() with { Pending = NodeCredentialRecord.NewSlot(New, Now.AddMinutes(1), Lifetime) })
            .Promote(Now.AddMinutes(1), TimeSpan.FromSeconds(90)) with
        {
            Pending = NodeCredentialRecord.NewSlot(NodeCredentialRecord.Hash("next"), Now.AddMilliseconds(123_456), Lifetime),
        };

        var read = NodeCredentialRecord.FromData(record.ToData())!;

        Assert.Equal(record.Current.Hash, read.Current.Hash);
        Assert.Equal(record.Current.ExpiresAt, read.Current.ExpiresAt);
        Assert.Equal(Now.AddMilliseconds(123_456), read.Pending!.IssuedAt);
        Assert.Equal(record.PreviousHash, read.PreviousHash);
        Assert.Equal(record.PreviousValidUntil, read.PreviousValidUntil);
    }

    [Fact]
    public void FromData_CredentialFromBeforeExpiry_NeverExpiresAndDescribesWithoutTimes()
    {
        // What droverd stored before credentials expired: the hash alone. The agent renews it at once.
        var legacy = NodeCredentialRecord.FromData(new Dictionary<string, byte[]> { ["sha256"] = Old })!;

        Assert.Equal(NodeCredentialRecord.Match.Current, legacy.Find(Old, Now.AddYears(5)));
        Assert.Equal(new NodeCredentialStatus { NodeName = "edge-1" }, legacy.Describe("edge-1"));
    }

    [Fact]
    public void FromData_NoUsableHash_Null()
    {
        Assert.Null(NodeCredentialRecord.FromData(null));
        Assert.Null(NodeCredentialRecord.FromData(new Dictionary<string, byte[]> { ["sha256"] = [1, 2, 3] }));
    }
}
