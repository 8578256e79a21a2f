namespace Drover.Scheduling;

/// <summary>A set of node ids as bits: membership is a shift and a mask, with no hashing per node.</summary>
internal sealed class NodeBitSet
{
    private ulong[] _words = [];

    public bool Contains(int nodeId)
    {
        var word = nodeId >> 6;
        return (uint)word < (uint)_words.Length && (_words[word] & (1UL << nodeId)) != 0;
    }

    public void Set(int nodeId, bool member)
    {
        var word = nodeId >> 6;
        if (word >= _words.Length)
        {
            if (!member)
                return;
            Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
        }
        if (member)
            _words[word] |= 1UL << nodeId;
        else
            _words[word] &= ~(1UL << nodeId);
    }
}
