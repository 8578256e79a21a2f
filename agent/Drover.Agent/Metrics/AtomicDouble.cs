using System.Runtime.CompilerServices;

namespace Drover.Agent.Metrics;

/// <summary>A double that many threads add to or set without a lock (compare-and-swap on its bits).</summary>
internal struct AtomicDouble
{
    private long _bits;

    public readonly double Value => BitConverter.Int64BitsToDouble(Volatile.Read(ref Unsafe.AsRef(in _bits)));

    public void Set(double value) => Interlocked.Exchange(ref _bits, BitConverter.DoubleToInt64Bits(value));

    public void Add(double amount)
    {
        while (true)
        {
            var seen = Volatile.Read(ref _bits);
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + amount);
            if (Interlocked.CompareExchange(ref _bits, next, seen) == seen)
                return;
        }
    }
}
