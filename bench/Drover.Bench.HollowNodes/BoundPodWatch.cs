using Drover.Api;
using Drover.Api.Client;

namespace Drover.Bench.HollowNodes;

/// <summary>
/// One watch of every bound pod (<c>fieldSelector=spec.nodeName!=</c>) for the whole fleet, with the admin credential:
/// a node credential may only watch its own pods, and 1,000 watches would measure the bench's connections more than
/// droverd. Each event goes to the node the pod is bound to (which writes only its own pods) and to the progress count.
/// </summary>
internal sealed class BoundPodWatch(DroverClient admin, HollowFleet fleet, WorkloadProgress progress, string workloadNamespace)
{
    private const string Bound = "spec.nodeName!=";

    public long Events { get; private set; }

    /// <summary>The revision to watch from: taken before the workload exists, so no event is missed.</summary>
    public async Task<string> StartRevisionAsync()
    {
        var page = await admin.ListAsync(ResourceTypes.Pods, null, fieldSelector: Bound, limit: 1).ConfigureAwait(false);
        return page.ResourceVersion ?? "0";
    }

    public async Task RunAsync(string fromRevision, CancellationToken ct)
    {
        var revision = fromRevision;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var ev in admin.WatchAsync(ResourceTypes.Pods, null, revision, fieldSelector: Bound, bookmarks: true, ct: ct).ConfigureAwait(false))
                {
                    Events++;
                    revision = ev.ResourceVersion ?? revision;
                    if (ev.Type is "ADDED" or "MODIFIED" && ev.Object is Pod pod)
                        OnPod(pod);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            // The server ended the stream (a restart, a timeout): carry on from the last revision seen.
        }
    }

    private void OnPod(Pod pod)
    {
        var running = pod.Status?.Phase == "Running" && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
        if (pod.Metadata.Namespace == workloadNamespace)
            progress.Observe(pod.Metadata.Uid ?? "", bound: true, running);
        if (!running && pod.Metadata.DeletionTimestamp is null)
            fleet.Route(pod);
    }
}
