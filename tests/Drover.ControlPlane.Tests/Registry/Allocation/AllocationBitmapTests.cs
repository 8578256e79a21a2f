using Drover.ControlPlane.Registry.Allocation;

namespace Drover.ControlPlane.Registry.Allocation.Tests;

public sealed class AllocationBitmapTests
{
    [Fact]
    public void Encode_RandomOffsets_DecodesToTheSameSet()
    {
        var random = new Random(42);
        var bitmap = new AllocationBitmap(65536);
        var expected = new SortedSet<int>();
        for (var i = 0; i < 3000; i++)
        {
            var offset = random.Next(65536);
            Assert.Equal(expected.Add(offset), bitmap.Set(offset));
        }

        var decoded = AllocationBitmap.Decode(bitmap.Encode(), 65536);

        Assert.NotNull(decoded);
        Assert.Equal(expected, decoded.Offsets());
        Assert.Equal(expected.Count, decoded.Count);
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]               // varint cut short
    [InlineData(new byte[] { 0 })]                  // zero distance: the same offset twice
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // longer than any offset
    [InlineData(new byte[] { 17 })]                 // beyond the range of 16
    public void Decode_MalformedRecord_Null(byte[] data) => Assert.Null(AllocationBitmap.Decode(data, 16));

    [Fact]
    public void FindFree_WrapsAroundWithinTheBand()
    {
        var bitmap = new AllocationBitmap(10);
        for (var i = 5; i < 10; i++)
            bitmap.Set(i);

        Assert.Equal(2, bitmap.FindFree(7, 2, 10));
        bitmap.Set(2);
        bitmap.Set(3);
        bitmap.Set(4);
        Assert.Equal(-1, bitmap.FindFree(2, 2, 10));
    }

    [Fact]
    public void Reconcile_LeakedOffset_FreedOnlyAfterSeveralRuns()
    {
        var tracker = new LeakTracker();
        var record = new AllocationBitmap(16);
        record.Set(3);
        var held = new HashSet<int> { 5 };

        for (var run = 1; run < LeakTracker.RunsBeforeFree; run++)
        {
            var (marked, freed, suspects) = tracker.Reconcile(record, held);
            tracker.Commit(suspects);
            Assert.Equal((run == 1 ? 1 : 0, 0), (marked, freed));
            Assert.True(record.IsSet(3));
        }
        var last = tracker.Reconcile(record, held);

        Assert.Equal(1, last.Freed);
        Assert.False(record.IsSet(3));
        Assert.True(record.IsSet(5));
    }
}
