using System.Numerics;
using Drover.Api;

namespace Drover.Scheduling;

/// <summary>
/// Picks a node for one pod over a <see cref="ClusterSnapshot"/>, as Nomad's stack does: filters cut the
/// nodes down to those that can take the pod (recording why each other node cannot), scorers rank the
/// rest, the best weighted sum wins, and ties are broken by the injected <see cref="Random"/>.
/// </summary>
/// <remarks>
/// Pure: no I/O, no clock, and the snapshot is only read (bar the label index it fills on first use of a
/// selector); the caller applies the decision with
/// <see cref="ClusterSnapshot.Assume(PodInfo, string)"/>. With the same seed and the same sequence of
/// snapshots and pods, the same decisions come out. Not thread-safe: it reuses its buffers (and so do
/// stateful scorers), which keeps a decision to a couple of small allocations.
/// </remarks>
public sealed class Scheduler
{
    private readonly INodeFilter[] _filters;
    private readonly INodeScorer[] _scorers;
    private readonly int[] _weights;
    private readonly Random _random;
    private readonly RejectionLog _rejections = new();
    private int[] _candidates = [];
    private int[] _ties = [];
    private long[] _totals = [];
    private long[][] _scores;
    private int _nextStartIndex;

    /// <summary>A scheduler with <see cref="DefaultFilters"/> and <see cref="DefaultScorers"/>.</summary>
    public Scheduler(Random random)
        : this(DefaultFilters(), DefaultScorers(), random)
    {
    }

    public Scheduler(IEnumerable<INodeFilter> filters, IEnumerable<INodeScorer> scorers, Random random)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(scorers);
        ArgumentNullException.ThrowIfNull(random);
        _filters = [.. filters];
        _scorers = [.. scorers];
        _weights = new int[_scorers.Length];
        for (var i = 0; i < _scorers.Length; i++)
            _weights[i] = _scorers[i].Weight;
        _scores = new long[_scorers.Length][];
        _random = random;
    }

    /// <summary>Cheapest first: flags, then taints, then labels, then arithmetic on requests.</summary>
    public static IReadOnlyList<INodeFilter> DefaultFilters() =>
    [
        new NodeSchedulableFilter(),
        new TaintTolerationFilter(),
        new NodeSelectorFilter(),
        new ResourcesFitFilter(),
    ];

    /// <summary>New instances each call: <see cref="OwnerSpreadScorer"/> keeps per-scheduler scratch state.</summary>
    public static IReadOnlyList<INodeScorer> DefaultScorers() =>
    [
        new LeastAllocatedScorer(),
        new BalancedAllocationScorer(),
        new OwnerSpreadScorer(),
        new TaintTolerationScorer(),
    ];

    public SchedulingDecision Decide(ClusterSnapshot snapshot, Pod pod) => Decide(snapshot, PodInfo.From(pod));

    public SchedulingDecision Decide(ClusterSnapshot snapshot, PodInfo pod)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pod);
        var nodeIds = snapshot.NodeIds;
        if (nodeIds.Length == 0)
            return new Unschedulable(UnschedulableMessage.NoNodes, [], 0);
        Reserve(nodeIds.Length);

        var total = nodeIds.Length;
        var candidates = _candidates.AsSpan(0, total);
        var wanted = FeasibleNodesToFind(total);
        // When it may stop early, start where the previous decision stopped, as kube-scheduler does, so
        // that every node gets its turn. (Small clusters are always searched whole, in node order.)
        var start = wanted < total ? _nextStartIndex % total : 0;
        nodeIds[start..].CopyTo(candidates);
        nodeIds[..start].CopyTo(candidates[(total - start)..]);
        _rejections.Clear();

        // Filter a chunk at a time until enough feasible nodes are found; survivors are packed at the
        // front. A pod no node can take has then been checked against every node, so its message is whole.
        var count = 0;
        var evaluated = 0;
        while (count < wanted && evaluated < total)
        {
            var chunk = candidates.Slice(evaluated, Math.Min(wanted - count, total - evaluated));
            var kept = chunk.Length;
            foreach (var filter in _filters)
            {
                kept = filter.Filter(snapshot, pod, chunk[..kept], _rejections);
                if (kept == 0)
                    break;
            }
            chunk[..kept].CopyTo(candidates[count..]);
            count += kept;
            evaluated += chunk.Length;
        }
        if (wanted < total)
            _nextStartIndex = (start + evaluated) % total;
        if (count == 0)
            return Reject(snapshot, total);

        var feasible = candidates[..count];
        var totals = _totals.AsSpan(0, count);
        totals.Clear();
        for (var s = 0; s < _scorers.Length; s++)
        {
            var scores = _scores[s].AsSpan(0, count);
            _scorers[s].Score(snapshot, pod, feasible, scores);
            Accumulate(totals, scores, _weights[s]);
        }

        var best = SelectBest(totals);
        var details = new ScoreDetail[_scorers.Length];
        for (var s = 0; s < _scorers.Length; s++)
            details[s] = new ScoreDetail(_scorers[s].Name, Bounded(_scores[s][best]), _weights[s]);
        return new Placement(snapshot.NodeAt(feasible[best]).Name, totals[best], details, count, evaluated);
    }

    /// <summary>
    /// How many feasible nodes are enough to stop filtering and start scoring: kube-scheduler's
    /// numFeasibleNodesToFind. All of them below <see cref="MinFeasibleNodesToFind"/> nodes; above, the
    /// given <see cref="PercentageOfNodesToScore"/>, or when that is 0 the adaptive 50% − nodes/125 (at least
    /// 5%), and never fewer than <see cref="MinFeasibleNodesToFind"/>. At 1,000 nodes that is 420: scoring
    /// the best of 420 feasible nodes places as well as scoring all of them, at well under half the cost.
    /// </summary>
    public int FeasibleNodesToFind(int nodeCount)
    {
        if (nodeCount < MinFeasibleNodesToFind || PercentageOfNodesToScore >= 100)
            return nodeCount;
        var percentage = PercentageOfNodesToScore;
        if (percentage <= 0)
            percentage = Math.Max(50 - nodeCount / 125, MinFeasiblePercentage);
        return Math.Max((int)((long)nodeCount * percentage / 100), MinFeasibleNodesToFind);
    }

    /// <summary>kube-scheduler's minFeasibleNodesToFind.</summary>
    public const int MinFeasibleNodesToFind = 100;

    /// <summary>kube-scheduler's minFeasibleNodesPercentageToFind.</summary>
    private const int MinFeasiblePercentage = 5;

    /// <summary>
    /// kube-scheduler's percentageOfNodesToScore: 0 (the default) adapts to the cluster size, 100 scores
    /// every feasible node (the exhaustive search, for comparisons and tests).
    /// </summary>
    public int PercentageOfNodesToScore { get; init; }

    /// <summary>Kept within 0–100 so a scorer out of range cannot outweigh the others.</summary>
    private static long Bounded(long score) => Math.Min(Math.Max(score, 0), NodeScores.Max);

    /// <summary>totals += weight × bounded(scores), several nodes per instruction where the hardware allows: it runs once per scorer over every feasible node.</summary>
    private static void Accumulate(Span<long> totals, ReadOnlySpan<long> scores, long weight)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var weights = new Vector<long>(weight);
            var max = new Vector<long>(NodeScores.Max);
            for (; i <= totals.Length - Vector<long>.Count; i += Vector<long>.Count)
            {
                var bounded = Vector.Min(Vector.Max(new Vector<long>(scores[i..]), Vector<long>.Zero), max);
                (new Vector<long>(totals[i..]) + bounded * weights).CopyTo(totals[i..]);
            }
        }
        for (; i < totals.Length; i++)
            totals[i] += weight * Bounded(scores[i]);
    }

    /// <summary>
    /// The position of the highest total; among equal totals, one drawn uniformly with a single call to
    /// the random source (Kubernetes draws once per tie as it goes, which costs a call per node when
    /// many identical nodes tie).
    /// </summary>
    private int SelectBest(ReadOnlySpan<long> totals)
    {
        var ties = _ties.AsSpan(0, totals.Length);
        var tied = 0;
        var highest = long.MinValue;
        for (var i = 0; i < totals.Length; i++)
        {
            if (totals[i] > highest)
            {
                highest = totals[i];
                tied = 0;
            }
            if (totals[i] == highest)
                ties[tied++] = i;
        }
        return tied == 1 ? ties[0] : ties[_random.Next(tied)];
    }

    private Unschedulable Reject(ClusterSnapshot snapshot, int nodeCount)
    {
        var rejections = RejectionList.From(snapshot, _rejections.Entries, out var histogram, out var filters);
        _rejections.Clear();
        return new Unschedulable(UnschedulableMessage.FromCounts(nodeCount, histogram), rejections, nodeCount) { RejectingFilters = filters };
    }

    private void Reserve(int nodeCount)
    {
        if (_candidates.Length >= nodeCount)
            return;
        var length = Math.Max(nodeCount, _candidates.Length * 2);
        _candidates = new int[length];
        _ties = new int[length];
        _totals = new long[length];
        for (var s = 0; s < _scores.Length; s++)
            _scores[s] = new long[length];
    }
}
