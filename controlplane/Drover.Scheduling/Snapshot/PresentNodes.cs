using System.Collections;

namespace Drover.Scheduling;

/// <summary>The nodes that exist, as a list of <see cref="NodeInfo"/> in snapshot order: the readable counterpart of <see cref="ClusterSnapshot.NodeIds"/>.</summary>
internal sealed class PresentNodes(ClusterSnapshot snapshot) : IReadOnlyList<NodeInfo>
{
    public int Count => snapshot.NodeIds.Length;

    public NodeInfo this[int index] => snapshot.NodeAt(snapshot.NodeIds[index]);

    public IEnumerator<NodeInfo> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
