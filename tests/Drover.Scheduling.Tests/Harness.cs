namespace Drover.Scheduling.Tests;

/// <summary>Runs one filter or scorer over every node of a snapshot and reads the outcome by node name.</summary>
internal static class Harness
{
    public static FilterOutcome Filter(INodeFilter filter, ClusterSnapshot snapshot, PodInfo pod)
    {
        var candidates = snapshot.NodeIds.ToArray();
        var log = new RejectionLog();
        var kept = filter.Filter(snapshot, pod, candidates, log);
        var keptNames = new List<string>();
        for (var i = 0; i < kept; i++)
            keptNames.Add(snapshot.NodeAt(candidates[i]).Name);
        var rejected = new List<(string Node, string Filter, string Reason)>();
        foreach (var entry in log.Entries)
            rejected.Add((snapshot.NodeAt(entry.NodeId).Name, entry.Filter, entry.Reason));
        return new FilterOutcome(keptNames, rejected);
    }

    public static long[] Score(INodeScorer scorer, ClusterSnapshot snapshot, PodInfo pod)
    {
        var scores = new long[snapshot.NodeIds.Length];
        scorer.Score(snapshot, pod, snapshot.NodeIds, scores);
        return scores;
    }
}

internal sealed record FilterOutcome(List<string> Kept, List<(string Node, string Filter, string Reason)> Rejected)
{
    public List<string> ReasonsFor(string node) => Rejected.Where(r => r.Node == node).Select(r => r.Reason).ToList();
}
