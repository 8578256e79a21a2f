namespace Drover.ControlPlane.Tests;

/// <summary>droverd's Kestrel pool hands out Kestrel-sized blocks and keeps at most its bound of them once they come back.</summary>
public sealed class BoundedBlockMemoryPoolTests
{
    [Fact]
    public void Return_MoreBlocksThanTheBound_OnlyTheBoundKeptAndReused()
    {
        using var pool = new BoundedBlockMemoryPool();
        var rented = Enumerable.Range(0, BoundedBlockMemoryPool.MaxIdleBlocks * 3).Select(_ => pool.Rent()).ToList();
        Assert.All(rented, block => Assert.Equal(BoundedBlockMemoryPool.BlockBytes, block.Memory.Length));
        Assert.Equal(0, pool.IdleBlocks);

        foreach (var block in rented)
            block.Dispose();
        rented[0].Dispose();   // a second dispose returns nothing twice

        Assert.Equal(BoundedBlockMemoryPool.MaxIdleBlocks, pool.IdleBlocks);
        var again = pool.Rent();
        Assert.Contains(again, rented);
        Assert.Equal(BoundedBlockMemoryPool.MaxIdleBlocks - 1, pool.IdleBlocks);
    }

    [Fact]
    public void Rent_LargerThanABlock_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedBlockMemoryPool().Rent(BoundedBlockMemoryPool.BlockBytes + 1));
}
