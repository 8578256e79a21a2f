using Drover.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>
/// One sync's working view of a Deployment and its ReplicaSets. Starts from the cache and takes in what the
/// sync itself writes, so later steps decide on (and write with the resourceVersion of) the latest versions,
/// never mutating the cached objects.
/// </summary>
internal sealed class Rollout(Deployment deployment, List<ReplicaSet> replicaSets)
{
    public Deployment Deployment { get; set; } = deployment;

    public IReadOnlyList<ReplicaSet> ReplicaSets => replicaSets;

    public string Key => Deployment.Metadata.Namespace + "/" + Deployment.Metadata.Name;

    public void Replace(ReplicaSet written)
    {
        var index = replicaSets.FindIndex(rs => rs.Metadata.Uid == written.Metadata.Uid);
        if (index >= 0)
            replicaSets[index] = written;
        else
            replicaSets.Add(written);
    }

    public void Remove(ReplicaSet gone) => replicaSets.RemoveAll(rs => rs.Metadata.Uid == gone.Metadata.Uid);

    /// <summary>The latest version of <paramref name="rs"/> this sync knows.</summary>
    public ReplicaSet Current(ReplicaSet rs) => replicaSets.Find(r => r.Metadata.Uid == rs.Metadata.Uid) ?? rs;

    public ReplicaSet? CurrentOrNull(ReplicaSet? rs) => rs is null ? null : Current(rs);

    public List<ReplicaSet> Current(IEnumerable<ReplicaSet> list) => [.. list.Select(Current)];
}
