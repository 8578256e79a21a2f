namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>
/// Which offsets of a range are taken. Stored as the taken offsets in ascending order, each as the LEB128 varint
/// of its distance from the previous one: a few bytes per allocation, so a /16 with fifty services costs
/// about a hundred bytes per write instead of Kubernetes' 8 KiB bitmap.
/// </summary>
internal sealed class AllocationBitmap
{
    private readonly ulong[] _words;

    public AllocationBitmap(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
        _words = new ulong[(size + 63) / 64];
    }

    public int Size { get; }

    public int Count { get; private set; }

    public bool IsSet(int offset) => (uint)offset < (uint)Size && (_words[offset >> 6] & (1UL << offset)) != 0;

    /// <summary>Marks <paramref name="offset"/> taken; false when it already was.</summary>
    public bool Set(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, Size);
        ref var word = ref _words[offset >> 6];
        var bit = 1UL << offset;
        if ((word & bit) != 0)
            return false;
        word |= bit;
        Count++;
        return true;
    }

    /// <summary>Marks <paramref name="offset"/> free; false when it already was (or lies outside the range).</summary>
    public bool Clear(int offset)
    {
        if (!IsSet(offset))
            return false;
        _words[offset >> 6] &= ~(1UL << offset);
        Count--;
        return true;
    }

    /// <summary>The first free offset at or after <paramref name="start"/> within [<paramref name="low"/>, <paramref name="high"/>), wrapping around; -1 when all are taken.</summary>
    public int FindFree(int start, int low, int high)
    {
        for (var i = 0; i < high - low; i++)
        {
            var offset = low + ((start - low + i) % (high - low));
            if (!IsSet(offset))
                return offset;
        }
        return -1;
    }

    public IEnumerable<int> Offsets()
    {
        for (var w = 0; w < _words.Length; w++)
        {
            var word = _words[w];
            while (word != 0)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                yield return (w << 6) + bit;
                word &= word - 1;
            }
        }
    }

    public AllocationBitmap Clone()
    {
        var copy = new AllocationBitmap(Size) { Count = Count };
        _words.CopyTo(copy._words, 0);
        return copy;
    }

    public byte[] Encode()
    {
        var bytes = new List<byte>(Count * 2);
        var previous = -1;
        foreach (var offset in Offsets())
        {
            var delta = (uint)(offset - previous);
            while (delta >= 0x80)
            {
                bytes.Add((byte)(delta | 0x80));
                delta >>= 7;
            }
            bytes.Add((byte)delta);
            previous = offset;
        }
        return [.. bytes];
    }

    /// <summary>Reads <see cref="Encode"/>'s form; null when the bytes are not that (a record from another version or damaged).</summary>
    public static AllocationBitmap? Decode(ReadOnlySpan<byte> data, int size)
    {
        var bitmap = new AllocationBitmap(size);
        var previous = -1L;
        var i = 0;
        while (i < data.Length)
        {
            var delta = 0L;
            for (var shift = 0; ; shift += 7)
            {
                if (i >= data.Length || shift > 28)
                    return null;
                var b = data[i++];
                delta |= (long)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                    break;
            }
            if (delta == 0 || previous + delta >= size)
                return null;
            previous += delta;
            bitmap.Set((int)previous);
        }
        return bitmap;
    }
}
