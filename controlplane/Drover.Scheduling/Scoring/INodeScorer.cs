namespace Drover.Scheduling;

/// <summary>
/// A preference among the nodes that passed every filter (Nomad's rank iterators, a Kubernetes Score
/// plugin with its NormalizeScore). The scheduler adds up <see cref="Weight"/> × score per node.
/// </summary>
/// <remarks>Like <see cref="INodeFilter"/>, a scorer sees all feasible nodes in one call: it needs them anyway to normalise.</remarks>
public interface INodeScorer
{
    string Name { get; }

    /// <summary>How much this preference counts against the others; zero turns it off.</summary>
    int Weight { get; }

    /// <summary>
    /// Writes a score from 0 (worst) to <see cref="NodeScores.Max"/> (best) for each node of
    /// <paramref name="nodeIds"/> into the same position of <paramref name="scores"/>.
    /// </summary>
    void Score(ClusterSnapshot snapshot, PodInfo pod, ReadOnlySpan<int> nodeIds, Span<long> scores);
}
