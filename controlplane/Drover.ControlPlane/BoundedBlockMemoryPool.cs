using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Drover.ControlPlane;

/// <summary>
/// Kestrel's memory pool for droverd, keeping at most <see cref="MaxIdleBlocks"/> returned blocks. Kestrel's own pool
/// keeps every block it ever handed out, and a burst of large objects passes through ~20,000 of them at once (responses,
/// watch streams, request bodies): 86 MiB still held a minute later (docs/BENCHMARKS.md, "Memory that comes back").
/// Beyond the bound a returned block is left to the collector; under steady load the kept blocks are all that is reused.
/// </summary>
public sealed class BoundedBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>Kestrel's block size: what its pipes ask a pool for, larger requests going elsewhere.</summary>
    public const int BlockBytes = Drover.Api.BlockBufferWriter.BlockBytes;

    /// <summary>4 MiB of idle blocks per pool: an idle droverd's connections and a few hundred busy ones.</summary>
    public const int MaxIdleBlocks = 1024;

    private readonly ConcurrentQueue<Block> _idle = new();
    private int _idleCount;

    public override int MaxBufferSize => BlockBytes;

    /// <summary>Returned blocks kept for reuse now (for tests of the bound).</summary>
    public int IdleBlocks => Volatile.Read(ref _idleCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockBytes);
        if (_idle.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _idleCount);
            block.Rented();
            return block;
        }
        return new Block(this);
    }

    protected override void Dispose(bool disposing)
    {
        while (_idle.TryDequeue(out _))
            Interlocked.Decrement(ref _idleCount);
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _idleCount) <= MaxIdleBlocks)
            _idle.Enqueue(block);
        else
            Interlocked.Decrement(ref _idleCount);
    }

    private sealed class Block(BoundedBlockMemoryPool pool) : IMemoryOwner<byte>
    {
        // Not pinned, unlike Kestrel's own blocks: a pinned block lives in the pinned-object heap, which is never
        // compacted, so the few hundred kept after a burst held the whole region each of them sat in (a JIT droverd's
        // heap dump: 99 MiB free but committed around ~1,300 live blocks). Sockets pin a block only while it is in use.
        private readonly byte[] _array = new byte[BlockBytes];
        private int _returned;

        public Memory<byte> Memory => _array;

        public void Rented() => Volatile.Write(ref _returned, 0);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
                pool.Return(this);
        }
    }

    /// <summary>Registered in droverd's services, so Kestrel and its socket transport take their pools from here.</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new BoundedBlockMemoryPool();
    }
}
